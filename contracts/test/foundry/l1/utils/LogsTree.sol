// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    L2Log,
    L2_TO_L1_LOGS_MERKLE_TREE_HEIGHT,
    L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH,
    L2_TO_L1_MESSENGER_SYSTEM_CONTRACT_ADDR,
    L2_BOOTLOADER_ADDRESS
} from "../../../../contracts/common/Config.sol";

/// @dev Reference implementation of the L2->L1 logs tree the L2 node builds: 2^14 leaves, keccak256 of each
/// 88-byte log, empty leaves = keccak256(88 zero bytes), inner nodes keccak256(left ‖ right).
library LogsTree {
    function leaf(L2Log memory _log) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(_log.l2ShardId, _log.isService, _log.txNumberInBatch, _log.sender, _log.key, _log.value)
        );
    }

    function messageLog(uint16 _txNumber, address _sender, bytes memory _data) internal pure returns (L2Log memory) {
        return L2Log({
            l2ShardId: 0,
            isService: true,
            txNumberInBatch: _txNumber,
            sender: L2_TO_L1_MESSENGER_SYSTEM_CONTRACT_ADDR,
            key: bytes32(uint256(uint160(_sender))),
            value: keccak256(_data)
        });
    }

    function statusLog(uint16 _txNumber, bytes32 _txHash, bool _success) internal pure returns (L2Log memory) {
        return L2Log({
            l2ShardId: 0,
            isService: true,
            txNumberInBatch: _txNumber,
            sender: L2_BOOTLOADER_ADDRESS,
            key: _txHash,
            value: bytes32(uint256(_success ? 1 : 0))
        });
    }

    /// @return root of the tree over `_leaves` (padded with empty leaves) and the sibling path of `_index`.
    function rootAndProof(bytes32[] memory _leaves, uint256 _index)
        internal
        pure
        returns (bytes32 root, bytes32[] memory proof)
    {
        proof = new bytes32[](L2_TO_L1_LOGS_MERKLE_TREE_HEIGHT);
        bytes32[] memory nodes = _leaves;
        bytes32 empty = L2_L1_LOGS_TREE_DEFAULT_LEAF_HASH;
        uint256 idx = _index;
        for (uint256 level; level < L2_TO_L1_LOGS_MERKLE_TREE_HEIGHT; ++level) {
            uint256 sib = idx ^ 1;
            proof[level] = sib < nodes.length ? nodes[sib] : empty;
            uint256 n = (nodes.length + 1) / 2;
            if (n == 0) n = 1;
            bytes32[] memory next = new bytes32[](n);
            for (uint256 i; i < n; ++i) {
                bytes32 l = 2 * i < nodes.length ? nodes[2 * i] : empty;
                bytes32 r = 2 * i + 1 < nodes.length ? nodes[2 * i + 1] : empty;
                next[i] = keccak256(abi.encodePacked(l, r));
            }
            nodes = next;
            empty = keccak256(abi.encodePacked(empty, empty));
            idx >>= 1;
        }
        root = nodes[0];
    }
}
