// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IExodusVerifier} from "../chain-interfaces/IExodusVerifier.sol";
import {IBridgehub} from "../../bridgehub/IBridgehub.sol";
import {Blake2s} from "../../common/libraries/Blake2s.sol";
import {ExodusClaimsNotImplemented, InvalidExodusProof} from "../../common/L1ContractErrors.sol";

/// @title Exodus claims against the L2 state tree (crates/primitives/src/tree.rs).
/// @notice Verifies that `account` had `amount` of an L1 token on the chain in the state behind the last executed
/// state commitment:
///   - commitment = blake2s(treeRoot ‖ nextFreeIndex u64 BE ‖ blockNumber u64 BE ‖ blockHash ‖ timestamp u64 BE);
///   - tree key of (address, slot) = blake2s(pad32(address) ‖ slot); leaf = blake2s(key ‖ value ‖ next u64 LE) at
///     `index`, 64 Blake2s siblings up to treeRoot;
///   - base token: the account leaf, key = treeKey(0x8003, pad32(account)), value = blake2s(nonce u64 BE ‖ balance ‖
///     codeHash); proof = abi.encode(StateCommitmentPreimage, AccountLeafProof);
///   - ERC-20 (once governance registered the L2 token and the storage slot of its `mapping(address => uint256)`
///     balances): the storage leaf key = treeKey(l2Token, keccak256(abi.encode(account, balancesSlot))), value =
///     amount; proof = abi.encode(StateCommitmentPreimage, LeafProof balance, EoaProof).
/// Only accounts without code (EOAs) can claim: the same address on L1 may belong to someone else for an L2 contract.
/// For ERC-20 claims the EoaProof shows the account leaf with empty code, or the account's absence (two neighbouring
/// leaves whose keys bracket the account key).
contract StateTreeExodusVerifier is IExodusVerifier, Ownable2Step {
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

    struct LeafProof {
        uint64 index;
        bytes32 key;
        bytes32 value;
        uint64 next;
        bytes32[] siblings;
    }

    /// @dev present: `account` is the account's leaf (value = accountValue(nonce, balance, codeHash), no code);
    /// absent: `account` and `right` are neighbours with account.key < key < right.key, account.next == right.index.
    struct EoaProof {
        bool present;
        LeafProof account;
        uint64 nonce;
        uint256 balance;
        bytes32 codeHash;
        LeafProof right;
    }

    struct TokenLayout {
        address l2Token;
        uint256 balancesSlot;
    }

    uint256 public constant TREE_DEPTH = 64;
    address public constant ACCOUNT_PROPERTIES_ADDRESS = address(0x8003);

    address public immutable BRIDGE_HUB;
    mapping(uint256 chainId => mapping(address l1Token => TokenLayout)) public tokenLayout;

    event TokenLayoutSet(uint256 indexed chainId, address indexed l1Token, address l2Token, uint256 balancesSlot);

    constructor(address _bridgehub, address _owner) Ownable(_owner) {
        BRIDGE_HUB = _bridgehub;
    }

    /// @notice Governance: where the L2 balances of `_l1Token` live on chain `_chainId` (l2Token = 0 disables).
    function setTokenLayout(uint256 _chainId, address _l1Token, address _l2Token, uint256 _balancesSlot)
        external
        onlyOwner
    {
        tokenLayout[_chainId][_l1Token] = TokenLayout({l2Token: _l2Token, balancesSlot: _balancesSlot});
        emit TokenLayoutSet(_chainId, _l1Token, _l2Token, _balancesSlot);
    }

    function verifyBalance(
        uint256 _chainId,
        bytes32 _stateCommitment,
        address _account,
        address _l1Token,
        uint256 _amount,
        bytes calldata _proof
    ) external view returns (bool) {
        if (_l1Token == IBridgehub(BRIDGE_HUB).baseToken(_chainId)) {
            return _verifyBaseToken(_stateCommitment, _account, _amount, _proof);
        }
        TokenLayout memory layout = tokenLayout[_chainId][_l1Token];
        if (layout.l2Token == address(0)) revert ExodusClaimsNotImplemented();
        return _verifyToken(layout, _stateCommitment, _account, _amount, _proof);
    }

    function _verifyBaseToken(bytes32 _stateCommitment, address _account, uint256 _amount, bytes calldata _proof)
        internal
        pure
        returns (bool)
    {
        (StateCommitmentPreimage memory c, AccountLeafProof memory p) =
            abi.decode(_proof, (StateCommitmentPreimage, AccountLeafProof));
        if (stateCommitmentHash(c) != _stateCommitment) return false;
        if (p.balance != _amount) return false;
        if (!_noCode(p.codeHash)) revert ExodusClaimsNotImplemented();
        LeafProof memory leaf = LeafProof({
            index: p.index,
            key: accountKey(_account),
            value: accountValue(p.nonce, p.balance, p.codeHash),
            next: p.next,
            siblings: p.siblings
        });
        return leafRoot(leaf) == c.treeRoot;
    }

    function _verifyToken(
        TokenLayout memory _layout,
        bytes32 _stateCommitment,
        address _account,
        uint256 _amount,
        bytes calldata _proof
    ) internal pure returns (bool) {
        (StateCommitmentPreimage memory c, LeafProof memory bal, EoaProof memory eoa) =
            abi.decode(_proof, (StateCommitmentPreimage, LeafProof, EoaProof));
        if (stateCommitmentHash(c) != _stateCommitment) return false;
        bytes32 slot = keccak256(abi.encode(_account, _layout.balancesSlot));
        if (bal.key != treeKey(_layout.l2Token, slot) || bal.value != bytes32(_amount)) return false;
        if (leafRoot(bal) != c.treeRoot) return false;
        bytes32 key = accountKey(_account);
        if (eoa.present) {
            if (!_noCode(eoa.codeHash)) revert ExodusClaimsNotImplemented();
            if (eoa.account.key != key || eoa.account.value != accountValue(eoa.nonce, eoa.balance, eoa.codeHash)) {
                return false;
            }
            return leafRoot(eoa.account) == c.treeRoot;
        }
        if (!(eoa.account.key < key && key < eoa.right.key && eoa.account.next == eoa.right.index)) return false;
        return leafRoot(eoa.account) == c.treeRoot && leafRoot(eoa.right) == c.treeRoot;
    }

    /// @notice Root implied by a leaf and its 64 siblings.
    function leafRoot(LeafProof memory _p) public pure returns (bytes32 node) {
        if (_p.siblings.length != TREE_DEPTH) revert InvalidExodusProof();
        node = Blake2s.hash(abi.encodePacked(_p.key, _p.value, _le64(_p.next)));
        uint64 index = _p.index;
        for (uint256 d; d < TREE_DEPTH; ++d) {
            node = (index & 1 == 0)
                ? Blake2s.hash(abi.encodePacked(node, _p.siblings[d]))
                : Blake2s.hash(abi.encodePacked(_p.siblings[d], node));
            index >>= 1;
        }
    }

    function stateCommitmentHash(StateCommitmentPreimage memory _c) public pure returns (bytes32) {
        return Blake2s.hash(abi.encodePacked(_c.treeRoot, _c.nextFreeIndex, _c.blockNumber, _c.blockHash, _c.timestamp));
    }

    function treeKey(address _address, bytes32 _slot) public pure returns (bytes32) {
        return Blake2s.hash(abi.encode(_address, _slot));
    }

    function accountKey(address _account) public pure returns (bytes32) {
        return treeKey(ACCOUNT_PROPERTIES_ADDRESS, bytes32(uint256(uint160(_account))));
    }

    /// @dev The empty account (EIP-161) is stored as value 0.
    function accountValue(uint64 _nonce, uint256 _balance, bytes32 _codeHash) public pure returns (bytes32) {
        if (_nonce == 0 && _balance == 0 && _noCode(_codeHash)) return bytes32(0);
        return Blake2s.hash(abi.encodePacked(_nonce, _balance, _codeHash));
    }

    function _noCode(bytes32 _codeHash) private pure returns (bool) {
        return _codeHash == bytes32(0) || _codeHash == keccak256("");
    }

    function _le64(uint64 _x) private pure returns (bytes8 r) {
        for (uint256 i; i < 8; ++i) {
            r |= bytes8(bytes1(uint8(_x >> (8 * i)))) >> (8 * i);
        }
    }
}
