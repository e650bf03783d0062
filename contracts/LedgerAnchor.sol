// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ILedgerAnchor} from "./ILedgerAnchor.sol";
import {RFC9162} from "./RFC9162.sol";

/**
 * @title LedgerAnchor
 * @dev Anchors checkpoints (tree size, root) of the otledger global RFC 9162 log, each proven on-chain to extend
 * the previous one, keeps all of them, and holds the registry of device signing keys.
 */
contract LedgerAnchor is ILedgerAnchor, AccessControl {
    /// @dev May call {anchor}: the server's anchoring key.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");
    /// @dev May call {registerDevice} and {revokeDevice}.
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @dev One slot read and written per anchor, so the previous size needs no extra read.
    struct Head {
        uint64 count;
        uint64 latestTreeSize;
    }

    Head private _head;
    /// @dev Two slots per checkpoint: (treeSize, timestamp, blockNumber) packed, then root.
    mapping(uint256 index => Checkpoint) private _checkpoints;
    mapping(address device => DeviceStatus) private _devices;

    /// @dev Grants the admin, anchorer and registrar roles (the same account may hold several).
    constructor(address admin, address anchorer, address registrar) {
        if (admin == address(0) || anchorer == address(0) || registrar == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ANCHORER_ROLE, anchorer);
        _grantRole(REGISTRAR_ROLE, registrar);
    }

    /// @inheritdoc ILedgerAnchor
    function anchor(
        uint64 treeSize,
        bytes32 root,
        bytes32[] calldata consistencyProof
    ) external onlyRole(ANCHORER_ROLE) {
        Head memory head = _head;
        if (treeSize <= head.latestTreeSize) revert TreeNotGrowing(head.latestTreeSize, treeSize);
        if (head.count == 0) {
            if (consistencyProof.length != 0) revert ProofForFirstCheckpoint(consistencyProof.length);
        } else {
            bytes32 oldRoot = _checkpoints[head.count - 1].root;
            (bool wellFormed, bytes32 oldComputed, bytes32 newComputed) = RFC9162.consistencyRoots(
                head.latestTreeSize,
                treeSize,
                oldRoot,
                consistencyProof
            );
            if (!wellFormed) revert MalformedConsistencyProof(head.latestTreeSize, treeSize, consistencyProof.length);
            if (oldComputed != oldRoot || newComputed != root) {
                revert InvalidConsistencyProof(oldRoot, oldComputed, root, newComputed);
            }
        }
        _checkpoints[head.count] = Checkpoint(treeSize, uint64(block.timestamp), uint64(block.number), root);
        _head = Head(head.count + 1, treeSize);
        emit CheckpointAnchored(head.count, treeSize, root);
    }

    /// @inheritdoc ILedgerAnchor
    function registerDevice(address device, bytes32 metadataHash) external onlyRole(REGISTRAR_ROLE) {
        if (device == address(0)) revert ZeroAddress();
        DeviceStatus storage status = _devices[device];
        if (status.registered) revert DeviceAlreadyRegistered(device);
        status.registered = true;
        status.metadataHash = metadataHash;
        emit DeviceRegistered(device, metadataHash);
    }

    /// @inheritdoc ILedgerAnchor
    function revokeDevice(address device) external onlyRole(REGISTRAR_ROLE) {
        DeviceStatus storage status = _devices[device];
        if (!status.registered) revert DeviceNotRegistered(device);
        if (status.revoked) revert DeviceAlreadyRevoked(device, status.revokedAtCheckpoint);
        uint64 atCheckpoint = _head.count;
        status.revoked = true;
        status.revokedAtCheckpoint = atCheckpoint;
        status.revokedAtBlock = uint64(block.number);
        status.revokedAtTime = uint64(block.timestamp);
        emit DeviceRevoked(device, atCheckpoint);
    }

    /// @inheritdoc ILedgerAnchor
    function deviceStatus(address device) external view returns (DeviceStatus memory) {
        return _devices[device];
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

    /// @dev ERC-165: also answers for {ILedgerAnchor}.
    function supportsInterface(bytes4 interfaceId) public view override returns (bool) {
        return interfaceId == type(ILedgerAnchor).interfaceId || super.supportsInterface(interfaceId);
    }

    function _checkpointAt(uint256 index) private view returns (Checkpoint memory) {
        uint256 count = _head.count;
        if (index >= count) revert CheckpointIndexOutOfRange(index, count);
        return _checkpoints[index];
    }
}
