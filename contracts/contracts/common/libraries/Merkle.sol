// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MerklePathEmpty, MerklePathOutOfBounds, MerkleIndexOutOfBounds} from "../L1ContractErrors.sol";

/// @notice Keccak binary Merkle tree path verification, as era-contracts' `Merkle.calculateRoot`.
library Merkle {
    /// @dev Root of the tree that has `_itemHash` at leaf `_index` and `_path` as siblings, leaf level first.
    function calculateRoot(bytes32[] calldata _path, uint256 _index, bytes32 _itemHash)
        internal
        pure
        returns (bytes32 currentHash)
    {
        uint256 pathLength = _path.length;
        if (pathLength == 0) revert MerklePathEmpty();
        if (pathLength >= 256) revert MerklePathOutOfBounds();
        if (_index >= (1 << pathLength)) revert MerkleIndexOutOfBounds();
        currentHash = _itemHash;
        for (uint256 i; i < pathLength; ++i) {
            currentHash =
                (_index % 2 == 0) ? _efficientHash(currentHash, _path[i]) : _efficientHash(_path[i], currentHash);
            _index /= 2;
        }
    }

    function _efficientHash(bytes32 _lhs, bytes32 _rhs) private pure returns (bytes32 result) {
        assembly ("memory-safe") {
            mstore(0x00, _lhs)
            mstore(0x20, _rhs)
            result := keccak256(0x00, 0x40)
        }
    }
}
