// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IExodusVerifier} from "../chain-interfaces/IExodusVerifier.sol";
import {IBridgehub} from "../../bridgehub/IBridgehub.sol";
import {Blake2s} from "../../common/libraries/Blake2s.sol";
import {ExodusClaimsNotImplemented, InvalidExodusProof} from "../../common/L1ContractErrors.sol";

/// @title Exodus claims of base-token balances against the L2 state tree (crates/primitives/src/tree.rs).
/// @notice Verifies, for the chain's base token, that `account` had `amount` in the state behind the last executed
/// state commitment:
///   - commitment = blake2s(treeRoot ‖ nextFreeIndex u64 BE ‖ blockNumber u64 BE ‖ blockHash ‖ timestamp u64 BE);
///   - account key = blake2s(pad32(0x8003) ‖ pad32(account)); value = blake2s(nonce u64 BE ‖ balance ‖ codeHash);
///   - leaf = blake2s(key ‖ value ‖ next u64 LE) at `index`, 64 Blake2s siblings up to treeRoot.
/// Only accounts without code (EOAs) can claim: the same address on L1 may belong to someone else for an L2 contract.
/// Balances of bridged ERC-20 tokens live in L2 token contracts' storage: not supported yet (reverts).
/// Proof: abi.encode(StateCommitmentPreimage, AccountLeafProof).
contract StateTreeExodusVerifier is IExodusVerifier {
    struct StateCommitmentPreimage {
        bytes32 treeRoot;
        uint64 nextFreeIndex;
        uint64 blockNumber;
        bytes32 blockHash;
        uint64 timestamp;
    }

    struct AccountLeafProof {
        uint64 index;
        uint64 next;
        bytes32[] siblings;
        uint64 nonce;
        uint256 balance;
        bytes32 codeHash;
    }

    uint256 public constant TREE_DEPTH = 64;
    address public constant ACCOUNT_PROPERTIES_ADDRESS = address(0x8003);

    address public immutable BRIDGE_HUB;

    constructor(address _bridgehub) {
        BRIDGE_HUB = _bridgehub;
    }

    function verifyBalance(
        uint256 _chainId,
        bytes32 _stateCommitment,
        address _account,
        address _l1Token,
        uint256 _amount,
        bytes calldata _proof
    ) external view returns (bool) {
        if (_l1Token != IBridgehub(BRIDGE_HUB).baseToken(_chainId)) {
            revert ExodusClaimsNotImplemented();
        }
        (StateCommitmentPreimage memory c, AccountLeafProof memory p) =
            abi.decode(_proof, (StateCommitmentPreimage, AccountLeafProof));
        if (stateCommitmentHash(c) != _stateCommitment) return false;
        if (p.siblings.length != TREE_DEPTH) revert InvalidExodusProof();
        if (p.balance != _amount) return false;
        if (p.codeHash != keccak256("") && p.codeHash != bytes32(0)) revert ExodusClaimsNotImplemented();
        bytes32 node = Blake2s.hash(
            abi.encodePacked(accountKey(_account), accountValue(p.nonce, p.balance, p.codeHash), _le64(p.next))
        );
        uint64 index = p.index;
        for (uint256 d; d < TREE_DEPTH; ++d) {
            node = (index & 1 == 0)
                ? Blake2s.hash(abi.encodePacked(node, p.siblings[d]))
                : Blake2s.hash(abi.encodePacked(p.siblings[d], node));
            index >>= 1;
        }
        return node == c.treeRoot;
    }

    function stateCommitmentHash(StateCommitmentPreimage memory _c) public pure returns (bytes32) {
        return Blake2s.hash(abi.encodePacked(_c.treeRoot, _c.nextFreeIndex, _c.blockNumber, _c.blockHash, _c.timestamp));
    }

    function accountKey(address _account) public pure returns (bytes32) {
        return Blake2s.hash(abi.encode(ACCOUNT_PROPERTIES_ADDRESS, _account));
    }

    /// @dev The empty account (EIP-161) is stored as value 0.
    function accountValue(uint64 _nonce, uint256 _balance, bytes32 _codeHash) public pure returns (bytes32) {
        if (_nonce == 0 && _balance == 0 && (_codeHash == bytes32(0) || _codeHash == keccak256(""))) return bytes32(0);
        return Blake2s.hash(abi.encodePacked(_nonce, _balance, _codeHash));
    }

    function _le64(uint64 _x) private pure returns (bytes8 r) {
        for (uint256 i; i < 8; ++i) {
            r |= bytes8(bytes1(uint8(_x >> (8 * i)))) >> (8 * i);
        }
    }
}
