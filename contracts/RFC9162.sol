// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @dev RFC 9162 (Certificate Transparency 2.0) Merkle proof verification, section 2.1.3.2 (inclusion) and
 * 2.1.4.2 (consistency), with SHA-256 from the precompile. Leaf hashes come in already hashed (0x00 ‖ data);
 * interior nodes are SHA-256(0x01 ‖ left ‖ right).
 */
library RFC9162 {
    /// @dev SHA-256(0x01 ‖ left ‖ right), the RFC 9162 interior node hash.
    function hashNode(bytes32 left, bytes32 right) internal view returns (bytes32 result) {
        // Same as sha256(abi.encodePacked(bytes1(0x01), left, right)) without allocating 65 bytes per call:
        // the input goes to free memory (not reserved, as memory-safe assembly may), the digest to scratch space.
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore8(ptr, 0x01)
            mstore(add(ptr, 0x01), left)
            mstore(add(ptr, 0x21), right)
            if iszero(staticcall(gas(), 0x02, ptr, 0x41, 0x00, 0x20)) {
                revert(0, 0)
            }
            result := mload(0x00)
        }
    }

    /**
     * @dev Returns whether `proof` proves that `leafHash` is leaf `index` of the tree of `size` leaves with `root`.
     * A proof of the wrong length for (`index`, `size`) is rejected.
     */
    function verifyInclusion(
        uint256 index,
        uint256 size,
        bytes32 leafHash,
        bytes32[] calldata proof,
        bytes32 root
    ) internal view returns (bool) {
        if (index >= size) return false;
        uint256 fn = index;
        uint256 sn = size - 1;
        bytes32 r = leafHash;
        for (uint256 i = 0; i < proof.length; ++i) {
            if (sn == 0) return false;
            if (fn & 1 == 1 || fn == sn) {
                r = hashNode(proof[i], r);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = hashNode(r, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r == root;
    }

    /**
     * @dev Replays the consistency proof from a tree of `oldSize` leaves (root `oldRoot`) to one of `newSize`
     * leaves and returns the two roots it reconstructs; the proof holds iff they equal the expected roots.
     * `wellFormed` is false when the proof length does not fit the sizes. Requires 0 < oldSize < newSize.
     */
    function consistencyRoots(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32[] calldata proof
    ) internal view returns (bool wellFormed, bytes32 oldComputed, bytes32 newComputed) {
        uint256 fn = oldSize - 1;
        uint256 sn = newSize - 1;
        uint256 i = 0;
        // An old tree of 2^k leaves is a complete subtree of the new one: the path starts at its root.
        if (oldSize & fn == 0) {
            oldComputed = oldRoot;
        } else {
            if (proof.length == 0) return (false, 0, 0);
            oldComputed = proof[0];
            i = 1;
        }
        newComputed = oldComputed;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        for (; i < proof.length; ++i) {
            if (sn == 0) return (false, 0, 0);
            if (fn & 1 == 1 || fn == sn) {
                oldComputed = hashNode(proof[i], oldComputed);
                newComputed = hashNode(proof[i], newComputed);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                newComputed = hashNode(newComputed, proof[i]);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return (false, 0, 0);
        return (true, oldComputed, newComputed);
    }
}
