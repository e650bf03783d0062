// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ILedgerAnchor} from "./ILedgerAnchor.sol";
import {RFC9162} from "./RFC9162.sol";

/**
 * @title LedgerAnchor
 * @dev Anchors checkpoints (tree size, root) of the otledger global RFC 9162 log, each proven on-chain to extend
 * the previous one, keeps all of them, and holds the registry of device and service signing keys.
 *
 * Roles: the default admin (one account, transferred in two steps after {INITIAL_ADMIN_DELAY}, see
 * {AccessControlDefaultAdminRules}) grants the other roles, sets {maxGrowth}, pauses and retires the contract;
 * `ANCHORER_ROLE` anchors; `REGISTRAR_ROLE` registers and revokes keys.
 *
 * Growth bound. A consistency proof cannot tell invented leaves from real ones, so a stolen anchorer key could
 * anchor a tree of 2^64 − 1 leaves and every later anchor would revert {TreeNotGrowing}. Each anchor may therefore
 * add at most {maxGrowth} leaves. The default, {DEFAULT_MAX_GROWTH} = 2^32, is far above honest growth: the
 * service anchors each of its checkpoints in its own transaction, and cuts a checkpoint at least every
 * CHECKPOINT_MAX_LEAVES leaves (10^4 by default), so a backlog after a chain outage is caught up checkpoint by
 * checkpoint, never in one jump; the largest honest anchor is a successor's first checkpoint, which re-anchors the
 * whole tree and fits in 2^32 up to 4.29 · 10^9 leaves (above that the admin raises the bound for that one
 * anchor). An attacker needs 2^32 anchors (≈ 4 · 10^14 gas, years of full blocks) to reach 2^64.
 *
 * Recovery procedure (forged checkpoint, lost or stolen anchorer or registrar key):
 *  1. The admin calls {pause}: no anchor or registration goes through. The registrar may still revoke keys.
 *  2. The admin revokes the compromised role holders and finds the last checkpoint that equals the service's own
 *     log at that size (its `treeSize` and `root`): `lastValidCheckpoint`.
 *  3. If no forged checkpoint was accepted, the admin grants the roles to new keys and calls {unpause}: done.
 *  4. Otherwise a new LedgerAnchor is deployed; its first anchor re-anchors checkpoint `lastValidCheckpoint`
 *     (same `treeSize` and `root`; raise its {maxGrowth} for that anchor if the tree exceeds it), and every key
 *     still valid is registered there again. Then the admin calls {setSuccessor}(new contract,
 *     `lastValidCheckpoint`) here. This contract stays paused for good.
 * Verifiers read {successor}: a checkpoint of this contract with an index above `lastValidCheckpoint` is not
 * trusted. The successor's checkpoint 0 must equal checkpoint `lastValidCheckpoint` here (the successor then proves
 * on-chain that each of its later checkpoints extends it); records at leaves below its tree size are verified
 * here, later ones against the successor and its registry. docs/PROTOCOL.md §9.1.1 states this rule normatively.
 */
contract LedgerAnchor is ILedgerAnchor, AccessControlDefaultAdminRules, Pausable {
    /// @dev May call {anchor}: the server's anchoring key.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");
    /// @dev May call {registerDevice}, {registerServiceKey} and {revokeDevice}.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");
    /// @dev Delay of a default admin transfer at deployment, so the constructor keeps v1's three addresses; the
    /// admin can change it with the (itself delayed) {changeDefaultAdminDelay}.
    uint48 public constant INITIAL_ADMIN_DELAY = 2 days;
    /// @dev {maxGrowth} at deployment; why 2^32 is in the contract documentation above.
    uint64 public constant DEFAULT_MAX_GROWTH = 2 ** 32;

    /**
     * @dev Everything {anchor} reads besides the previous root, in one slot read and written once per anchor:
     * keeping `maxGrowth` and the pause flag here instead of in slots of their own saves two cold reads (4,200
     * gas). {anchor} handles it as one word; Solidity packs members from the low-order end, so the bits are
     * count 0–63, latestTreeSize 64–127, maxGrowth 128–191, paused 192.
     */
    struct Head {
        uint64 count;
        uint64 latestTreeSize;
        uint64 maxGrowth;
        bool paused;
    }

    /// @dev Stored form of {DeviceStatus}: the role sits in the first slot, beside the flags, not in a third one.
    struct Key {
        bool registered;
        bool revoked;
        KeyRole keyRole;
        uint64 revokedAtCheckpoint;
        uint64 revokedAtBlock;
        uint64 revokedAtTime;
        bytes32 metadataHash;
    }

    struct Succession {
        address successorContract;
        uint64 lastValidCheckpoint;
    }

    Head private _head;
    /// @dev Two slots per checkpoint: (treeSize, timestamp, blockNumber) packed, then root.
    mapping(uint256 index => Checkpoint) private _checkpoints;
    mapping(address key => Key) private _keys;
    Succession private _succession;

    /// @dev Grants the admin, anchorer and registrar roles (the same account may hold several).
    constructor(
        address admin,
        address anchorer,
        address registrar
    ) AccessControlDefaultAdminRules(INITIAL_ADMIN_DELAY, _nonZero(admin)) {
        _nonZero(anchorer);
        _nonZero(registrar);
        _grantRole(ANCHORER_ROLE, anchorer);
        _grantRole(REGISTRAR_ROLE, registrar);
        _head.maxGrowth = DEFAULT_MAX_GROWTH;
        emit MaxGrowthChanged(0, DEFAULT_MAX_GROWTH);
    }

    /// @inheritdoc ILedgerAnchor
    function anchor(
        uint64 treeSize,
        bytes32 root,
        bytes32[] calldata consistencyProof
    ) external onlyRole(ANCHORER_ROLE) {
        // The head is one word (see {Head}); reading and writing it whole saves the masking a struct copy costs.
        uint256 head;
        assembly ("memory-safe") {
            head := sload(_head.slot)
        }
        if (((head >> 192) & 1) == 1) revert EnforcedPause();
        uint64 count = uint64(head);
        uint64 previousSize = uint64(head >> 64);
        uint64 bound = uint64(head >> 128);
        if (treeSize <= previousSize) revert TreeNotGrowing(previousSize, treeSize);
        // Unchecked where the line above or `count != 0` rules out wrapping: checked arithmetic is paid per anchor.
        unchecked {
            if (treeSize - previousSize > bound) revert TreeGrowthTooLarge(previousSize, treeSize, bound);
        }
        if (count == 0) {
            if (consistencyProof.length != 0) revert ProofForFirstCheckpoint(consistencyProof.length);
        } else {
            bytes32 oldRoot;
            unchecked {
                oldRoot = _checkpoints[count - 1].root;
            }
            (bool wellFormed, bytes32 oldComputed, bytes32 newComputed) = RFC9162.consistencyRoots(
                previousSize,
                treeSize,
                oldRoot,
                consistencyProof
            );
            if (!wellFormed) revert MalformedConsistencyProof(previousSize, treeSize, consistencyProof.length);
            if (oldComputed != oldRoot || newComputed != root) {
                revert InvalidConsistencyProof(oldRoot, oldComputed, root, newComputed);
            }
        }
        // The Checkpoint struct's layout (first member in the low bits), written without reading the slot first.
        // Narrow locals may carry dirty high bits into assembly, hence the masks.
        assembly ("memory-safe") {
            let u64 := 0xffffffffffffffff
            mstore(0x00, and(count, u64))
            mstore(0x20, _checkpoints.slot)
            let slot := keccak256(0x00, 0x40)
            sstore(slot, or(and(treeSize, u64), or(shl(64, timestamp()), shl(128, number()))))
            sstore(add(slot, 1), root)
        }
        // count + 1 cannot wrap: every anchor adds a leaf, so count <= previousSize < treeSize < 2^64.
        unchecked {
            head = (head & ~uint256(type(uint128).max)) | (uint256(treeSize) << 64) | (count + 1);
        }
        assembly ("memory-safe") {
            sstore(_head.slot, head)
        }
        emit CheckpointAnchored(count, treeSize, root);
    }

    /// @inheritdoc ILedgerAnchor
    function registerDevice(address device, bytes32 metadataHash) external onlyRole(REGISTRAR_ROLE) whenNotPaused {
        _register(device, metadataHash, KeyRole.Device);
    }

    /// @inheritdoc ILedgerAnchor
    function registerServiceKey(address key, bytes32 metadataHash) external onlyRole(REGISTRAR_ROLE) whenNotPaused {
        _register(key, metadataHash, KeyRole.Service);
        emit ServiceKeyRegistered(key);
    }

    /// @inheritdoc ILedgerAnchor
    function revokeDevice(address device) external onlyRole(REGISTRAR_ROLE) {
        Key storage key = _keys[device];
        if (!key.registered) revert DeviceNotRegistered(device);
        if (key.revoked) revert DeviceAlreadyRevoked(device, key.revokedAtCheckpoint);
        uint64 atCheckpoint = _head.count;
        key.revoked = true;
        key.revokedAtCheckpoint = atCheckpoint;
        key.revokedAtBlock = uint64(block.number);
        key.revokedAtTime = uint64(block.timestamp);
        emit DeviceRevoked(device, atCheckpoint);
    }

    /// @inheritdoc ILedgerAnchor
    function setMaxGrowth(uint64 newMaxGrowth) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newMaxGrowth == 0) revert InvalidMaxGrowth(newMaxGrowth);
        uint64 previous = _head.maxGrowth;
        _head.maxGrowth = newMaxGrowth;
        emit MaxGrowthChanged(previous, newMaxGrowth);
    }

    /// @inheritdoc ILedgerAnchor
    function pause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        _pause();
    }

    /// @inheritdoc ILedgerAnchor
    function unpause() external onlyRole(DEFAULT_ADMIN_ROLE) {
        Succession memory succession = _succession;
        if (succession.successorContract != address(0)) {
            revert SuccessorAlreadySet(succession.successorContract, succession.lastValidCheckpoint);
        }
        _unpause();
    }

    /// @inheritdoc ILedgerAnchor
    function setSuccessor(address newSuccessor, uint64 lastValidCheckpoint) external onlyRole(DEFAULT_ADMIN_ROLE) whenPaused {
        Succession memory succession = _succession;
        if (succession.successorContract != address(0)) {
            revert SuccessorAlreadySet(succession.successorContract, succession.lastValidCheckpoint);
        }
        if (newSuccessor == address(this) || newSuccessor.code.length == 0) revert InvalidSuccessor(newSuccessor);
        uint256 count = _head.count;
        if (lastValidCheckpoint >= count) revert CheckpointIndexOutOfRange(lastValidCheckpoint, count);
        _succession = Succession(newSuccessor, lastValidCheckpoint);
        emit SuccessorSet(newSuccessor, lastValidCheckpoint);
    }

    /// @inheritdoc ILedgerAnchor
    function deviceStatus(address device) external view returns (DeviceStatus memory) {
        Key storage key = _keys[device];
        return
            DeviceStatus(
                key.registered,
                key.revoked,
                key.revokedAtCheckpoint,
                key.revokedAtBlock,
                key.revokedAtTime,
                key.metadataHash,
                key.keyRole
            );
    }

    /// @inheritdoc ILedgerAnchor
    function maxGrowth() external view returns (uint64) {
        return _head.maxGrowth;
    }

    /// @inheritdoc ILedgerAnchor
    function successor() external view returns (address successorContract, uint64 lastValidCheckpoint) {
        return (_succession.successorContract, _succession.lastValidCheckpoint);
    }

    /// @inheritdoc ILedgerAnchor
    function checkpointCount() external view returns (uint256) {
        return _head.count;
    }

    /// @inheritdoc ILedgerAnchor
    function checkpointAt(uint256 index) external view returns (Checkpoint memory) {
        return _checkpointAt(index);
    }

    /// @inheritdoc ILedgerAnchor
    function latestCheckpoint() external view returns (Checkpoint memory) {
        uint256 count = _head.count;
        if (count == 0) revert CheckpointIndexOutOfRange(0, 0);
        return _checkpoints[count - 1];
    }

    /// @inheritdoc ILedgerAnchor
    function firstCheckpointCovering(uint64 leafIndex) external view returns (uint256 index, Checkpoint memory) {
        Head memory head = _head;
        if (leafIndex >= head.latestTreeSize) revert LeafNotAnchored(leafIndex, head.latestTreeSize);
        // Tree sizes strictly increase: find the smallest index with treeSize > leafIndex (the latest qualifies).
        uint256 low = 0;
        uint256 high = head.count - 1;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (_checkpoints[mid].treeSize > leafIndex) high = mid;
            else low = mid + 1;
        }
        return (low, _checkpoints[low]);
    }

    /// @inheritdoc ILedgerAnchor
    function verifyInclusion(
        uint256 checkpointIndex,
        uint64 leafIndex,
        bytes32 leafHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        Checkpoint memory checkpoint = _checkpointAt(checkpointIndex);
        return RFC9162.verifyInclusion(leafIndex, checkpoint.treeSize, leafHash, proof, checkpoint.root);
    }

    /// @dev The pause flag lives in {Head} (see there), so {Pausable}'s own `_paused` slot stays unused.
    function paused() public view override(ILedgerAnchor, Pausable) returns (bool) {
        return _head.paused;
    }

    /// @dev ERC-165: also answers for {ILedgerAnchor}.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ILedgerAnchor).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev {Pausable-_pause} writing the flag into {Head}.
    function _pause() internal override whenNotPaused {
        _head.paused = true;
        emit Paused(_msgSender());
    }

    /// @dev {Pausable-_unpause} writing the flag into {Head}.
    function _unpause() internal override whenPaused {
        _head.paused = false;
        emit Unpaused(_msgSender());
    }

    function _register(address account, bytes32 metadataHash, KeyRole keyRole) private {
        if (account == address(0)) revert ZeroAddress();
        Key storage key = _keys[account];
        if (key.registered) revert DeviceAlreadyRegistered(account);
        key.registered = true;
        key.keyRole = keyRole;
        key.metadataHash = metadataHash;
        emit DeviceRegistered(account, metadataHash);
    }

    function _checkpointAt(uint256 index) private view returns (Checkpoint memory) {
        uint256 count = _head.count;
        if (index >= count) revert CheckpointIndexOutOfRange(index, count);
        return _checkpoints[index];
    }

    /// @dev Lets the constructor reject a zero admin with v1's {ZeroAddress} before OpenZeppelin's own check.
    function _nonZero(address account) private pure returns (address) {
        if (account == address(0)) revert ZeroAddress();
        return account;
    }
}
