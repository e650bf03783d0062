// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @dev External interface of {LedgerAnchor}: the on-chain anchor of the otledger global RFC 9162 Merkle log
 * and the registry of device signing keys.
 *
 * Checkpoints are indexed 0, 1, 2, … in anchoring order; each one extends the previous one (tree sizes strictly
 * increase by at most {maxGrowth}, consistency proven on-chain), so the first checkpoint whose tree size exceeds a
 * leaf index is the one that first anchored that leaf.
 *
 * Recovery: the admin can {pause} anchoring and registration and retire the contract with {setSuccessor}; from
 * then on verifiers trust its checkpoints only up to the last valid one and follow the successor for later ones.
 */
interface ILedgerAnchor {
    /**
     * @dev What a registered key signs for: a device's records, or the service's own access and erasure records.
     */
    enum KeyRole {
        Device,
        Service
    }

    /**
     * @dev An anchored checkpoint of the global log as returned by the views.
     * `timestamp` and `blockNumber` are those of the block that anchored it.
     */
    struct Checkpoint {
        uint64 treeSize;
        uint64 timestamp;
        uint64 blockNumber;
        bytes32 root;
    }

    /**
     * @dev Registry entry of a device signing key.
     *
     * `revokedAtCheckpoint` is {checkpointCount} at the moment of revocation: a record stays valid iff the index of
     * the first checkpoint covering it is below this value. Zero while not revoked.
     *
     * `keyRole` comes last so that callers decoding the first six fields by position read what they read from v1.
     */
    struct DeviceStatus {
        bool registered;
        bool revoked;
        uint64 revokedAtCheckpoint;
        uint64 revokedAtBlock;
        uint64 revokedAtTime;
        bytes32 metadataHash;
        KeyRole keyRole;
    }

    /**
     * @dev The new checkpoint's `newSize` does not exceed the latest anchored `previousSize` (0 before the first
     * checkpoint, so an empty first tree is rejected too).
     */
    error TreeNotGrowing(uint64 previousSize, uint64 newSize);

    /**
     * @dev The new checkpoint adds more than `maxGrowth` leaves to the latest anchored `previousSize` (0 before the
     * first checkpoint). Bounds how far a stolen anchorer key can push the tree size in one transaction.
     */
    error TreeGrowthTooLarge(uint64 previousSize, uint64 newSize, uint64 maxGrowth);

    /**
     * @dev `maxGrowth` is not a usable growth bound (zero would stop all anchoring; {pause} does that explicitly).
     */
    error InvalidMaxGrowth(uint64 maxGrowth);

    /**
     * @dev `successor` cannot follow this contract: it is the zero address, this contract, or has no code.
     */
    error InvalidSuccessor(address successor);

    /**
     * @dev The contract is retired: `successor` was set, trusting checkpoints up to `lastValidCheckpoint`. The
     * successor cannot change and the contract cannot be unpaused.
     */
    error SuccessorAlreadySet(address successor, uint64 lastValidCheckpoint);

    /**
     * @dev The first checkpoint has nothing to be consistent with and must come with an empty proof.
     */
    error ProofForFirstCheckpoint(uint256 proofLength);

    /**
     * @dev The consistency proof has the wrong number of nodes for a tree growing from `oldSize` to `newSize`.
     */
    error MalformedConsistencyProof(uint64 oldSize, uint64 newSize, uint256 proofLength);

    /**
     * @dev The consistency proof does not lead from the latest anchored root to the new root: the roots it
     * reconstructs (`computedOldRoot`, `computedNewRoot`) differ from the anchored one or the submitted one.
     */
    error InvalidConsistencyProof(
        bytes32 expectedOldRoot,
        bytes32 computedOldRoot,
        bytes32 expectedNewRoot,
        bytes32 computedNewRoot
    );

    /**
     * @dev `index` is not below the number of anchored checkpoints `count`.
     */
    error CheckpointIndexOutOfRange(uint256 index, uint256 count);

    /**
     * @dev No anchored checkpoint covers `leafIndex` yet: the latest tree has only `latestTreeSize` leaves.
     */
    error LeafNotAnchored(uint64 leafIndex, uint64 latestTreeSize);

    /**
     * @dev A device address must not be the zero address.
     */
    error ZeroAddress();

    /**
     * @dev `device` is already in the registry (revoked devices stay registered and cannot come back).
     */
    error DeviceAlreadyRegistered(address device);

    /**
     * @dev `device` is not in the registry.
     */
    error DeviceNotRegistered(address device);

    /**
     * @dev `device` was already revoked when {checkpointCount} was `revokedAtCheckpoint`.
     */
    error DeviceAlreadyRevoked(address device, uint64 revokedAtCheckpoint);

    /**
     * @dev Emitted when checkpoint number `index` (tree of `treeSize` leaves with root `root`) is anchored.
     */
    event CheckpointAnchored(uint256 indexed index, uint64 treeSize, bytes32 root);

    /**
     * @dev Emitted when `device` is registered with the hash of its metadata (site, asset, OPC UA application URI).
     */
    event DeviceRegistered(address indexed device, bytes32 metadataHash);

    /**
     * @dev Emitted when `device` is revoked; records first anchored at checkpoint `revokedAtCheckpoint` or later
     * are invalid.
     */
    event DeviceRevoked(address indexed device, uint64 revokedAtCheckpoint);

    /**
     * @dev Emitted when `key` is registered with the service role (after its {DeviceRegistered} event).
     */
    event ServiceKeyRegistered(address indexed key);

    /**
     * @dev Emitted when the growth bound per anchor changes from `previous` to `current` (at deployment from 0).
     */
    event MaxGrowthChanged(uint64 previous, uint64 current);

    /**
     * @dev Emitted when the contract is retired: verifiers trust its checkpoints 0 … `lastValidCheckpoint` and
     * follow `successor` for later ones.
     */
    event SuccessorSet(address indexed successor, uint64 lastValidCheckpoint);

    /**
     * @dev Anchors the checkpoint (`treeSize`, `root`). The first checkpoint takes an empty `consistencyProof`;
     * every later one must strictly grow the tree and prove, by an RFC 9162 consistency proof, that it extends the
     * latest anchored checkpoint. No checkpoint may add more than {maxGrowth} leaves, the first one included.
     *
     * Requirements: the caller has `ANCHORER_ROLE`; the contract is not paused.
     *
     * Emits a {CheckpointAnchored} event.
     */
    function anchor(uint64 treeSize, bytes32 root, bytes32[] calldata consistencyProof) external;

    /**
     * @dev Registers `device` with `metadataHash` and the device role.
     *
     * Requirements: the caller has `REGISTRAR_ROLE`; the contract is not paused; `device` is non-zero and was never
     * registered.
     *
     * Emits a {DeviceRegistered} event.
     */
    function registerDevice(address device, bytes32 metadataHash) external;

    /**
     * @dev Registers `key` with `metadataHash` and the service role: the key the service signs its access and
     * erasure records with. It is revoked like a device key, with {revokeDevice}.
     *
     * Requirements: as for {registerDevice}.
     *
     * Emits a {DeviceRegistered} event (so registry followers see it as any key), then a {ServiceKeyRegistered}.
     */
    function registerServiceKey(address key, bytes32 metadataHash) external;

    /**
     * @dev Revokes `device` at the current {checkpointCount}, block and time.
     *
     * Requirements: the caller has `REGISTRAR_ROLE`; `device` is registered and not revoked. Allowed while paused:
     * revocation only ever withdraws trust, and an incident is when a stolen key most needs revoking.
     *
     * Emits a {DeviceRevoked} event.
     */
    function revokeDevice(address device) external;

    /**
     * @dev Sets the largest number of leaves one {anchor} may add.
     *
     * Requirements: the caller is the default admin; `newMaxGrowth` is not zero.
     *
     * Emits a {MaxGrowthChanged} event.
     */
    function setMaxGrowth(uint64 newMaxGrowth) external;

    /**
     * @dev Stops {anchor}, {registerDevice} and {registerServiceKey} (they revert with `EnforcedPause()`).
     *
     * Requirements: the caller is the default admin; the contract is not paused.
     *
     * Emits a `Paused` event.
     */
    function pause() external;

    /**
     * @dev Resumes anchoring and registration.
     *
     * Requirements: the caller is the default admin; the contract is paused and has no successor.
     *
     * Emits an `Unpaused` event.
     */
    function unpause() external;

    /**
     * @dev Retires the contract: verifiers trust its checkpoints only up to `lastValidCheckpoint` and follow
     * `newSuccessor` for later ones. Final: the successor cannot change and the contract stays paused.
     *
     * Requirements: the caller is the default admin; the contract is paused; no successor is set; `newSuccessor`
     * is a contract other than this one; checkpoint `lastValidCheckpoint` exists.
     *
     * Emits a {SuccessorSet} event.
     */
    function setSuccessor(address newSuccessor, uint64 lastValidCheckpoint) external;

    /**
     * @dev Returns the registry entry of `device` (all zero if unknown).
     */
    function deviceStatus(address device) external view returns (DeviceStatus memory);

    /**
     * @dev Returns the largest number of leaves one {anchor} may add.
     */
    function maxGrowth() external view returns (uint64);

    /**
     * @dev Returns whether anchoring and registration are paused.
     */
    function paused() external view returns (bool);

    /**
     * @dev Returns the successor and the last checkpoint of this contract to trust, or (0, 0) while none is set.
     */
    function successor() external view returns (address successorContract, uint64 lastValidCheckpoint);

    /**
     * @dev Returns the number of anchored checkpoints.
     */
    function checkpointCount() external view returns (uint256);

    /**
     * @dev Returns checkpoint number `index`; reverts with {CheckpointIndexOutOfRange} if it does not exist.
     */
    function checkpointAt(uint256 index) external view returns (Checkpoint memory);

    /**
     * @dev Returns the latest checkpoint; reverts with {CheckpointIndexOutOfRange} if there is none.
     */
    function latestCheckpoint() external view returns (Checkpoint memory);

    /**
     * @dev Returns the smallest checkpoint index whose tree size exceeds `leafIndex`, and that checkpoint: the
     * checkpoint that first anchored the leaf. Reverts with {LeafNotAnchored} if none does yet.
     */
    function firstCheckpointCovering(uint64 leafIndex) external view returns (uint256 index, Checkpoint memory);

    /**
     * @dev Returns whether `proof` is an RFC 9162 inclusion proof of `leafHash` at `leafIndex` in the tree of
     * checkpoint `checkpointIndex`. Reverts with {CheckpointIndexOutOfRange} if that checkpoint does not exist.
     */
    function verifyInclusion(
        uint256 checkpointIndex,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool);
}
