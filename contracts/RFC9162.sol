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
     *
     * This runs in every `anchor`, so the loop is in assembly (about half the gas of the Solidity form); it is
     * RFC 9162 section 2.1.4.2 step by step, like {verifyInclusion} is section 2.1.3.2.
     */
    function consistencyRoots(
        uint256 oldSize,
        uint256 newSize,
        bytes32 oldRoot,
        bytes32[] calldata proof
    ) internal view returns (bool wellFormed, bytes32 oldComputed, bytes32 newComputed) {
        if (proof.length == 0) return (false, 0, 0); // step 1
        assembly ("memory-safe") {
            // Hash input 0x01 ‖ a ‖ b lives in free memory (a at buf+0x01, b at buf+0x21), the digest in scratch
            // space 0x00. oldComputed and newComputed are RFC 9162's fr and sr (few locals: the stack is full).
            let buf := mload(0x40)
            mstore8(buf, 0x01)
            let left := add(buf, 0x01)
            let right := add(buf, 0x21)
            let fn := sub(oldSize, 1)
            let sn := sub(newSize, 1)
            let p := proof.offset
            let end := add(p, shl(5, proof.length))
            // Steps 2 and 5: an old tree of 2^k leaves is a complete subtree of the new one, so the path
            // implicitly starts with its root; otherwise the path's first node starts both computations.
            oldComputed := oldRoot
            if and(oldSize, fn) {
                oldComputed := calldataload(p)
                p := add(p, 0x20)
            }
            newComputed := oldComputed
            // Step 4.
            for {} and(fn, 1) {} {
                fn := shr(1, fn)
                sn := shr(1, sn)
            }
            // Step 6; sn reaching 0 early means a path too long, sn left over (step 7) a path too short.
            for {} and(lt(p, end), gt(sn, 0)) {
                p := add(p, 0x20)
            } {
                switch or(and(fn, 1), eq(fn, sn))
                case 0 {
                    mstore(left, newComputed)
                    mstore(right, calldataload(p))
                    if iszero(staticcall(gas(), 0x02, buf, 0x41, 0x00, 0x20)) {
                        revert(0, 0)
                    }
                    newComputed := mload(0x00)
                }
                default {
                    mstore(left, calldataload(p))
                    mstore(right, oldComputed)
                    if iszero(staticcall(gas(), 0x02, buf, 0x41, 0x00, 0x20)) {
                        revert(0, 0)
                    }
                    oldComputed := mload(0x00)
                    mstore(right, newComputed)
                    if iszero(staticcall(gas(), 0x02, buf, 0x41, 0x00, 0x20)) {
                        revert(0, 0)
                    }
                    newComputed := mload(0x00)
                    for {} and(iszero(and(fn, 1)), gt(fn, 0)) {} {
                        fn := shr(1, fn)
                        sn := shr(1, sn)
                    }
                }
                fn := shr(1, fn)
                sn := shr(1, sn)
            }
            wellFormed := and(eq(p, end), iszero(sn))
        }
        if (!wellFormed) return (false, 0, 0);
    }
}
