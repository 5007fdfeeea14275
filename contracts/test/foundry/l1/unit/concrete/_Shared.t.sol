// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {TransparentUpgradeableProxy} from "@openzeppelin/contracts/proxy/transparent/TransparentUpgradeableProxy.sol";
import {Bridgehub} from "../../../../../contracts/bridgehub/Bridgehub.sol";
import {
    L2TransactionRequestDirect,
    L2TransactionRequestTwoBridgesOuter
} from "../../../../../contracts/bridgehub/IBridgehub.sol";
import {L1SharedBridge} from "../../../../../contracts/bridge/L1SharedBridge.sol";
import {FinalizeL1DepositParams} from "../../../../../contracts/bridge/interfaces/IL1SharedBridge.sol";
import {ChainTypeManager} from "../../../../../contracts/state-transition/ChainTypeManager.sol";
import {ChainCreationParams} from "../../../../../contracts/state-transition/IChainTypeManager.sol";
import {ZKChain} from "../../../../../contracts/state-transition/ZKChain.sol";
import {IZKChain} from "../../../../../contracts/state-transition/chain-interfaces/IZKChain.sol";
import {IExecutor} from "../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {InsecureNoProofVerifier} from "../../../../../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {
    DAMode,
    L2Log,
    ETH_TOKEN_ADDRESS,
    EMPTY_STRING_KECCAK,
    L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
    L2_ASSET_ROUTER_ADDR,
    REQUIRED_L2_GAS_PRICE_PER_PUBDATA
} from "../../../../../contracts/common/Config.sol";
import {TestVerifier, TestExodusVerifier, TestToken} from "../../utils/Mocks.sol";
import {LogsTree} from "../../utils/LogsTree.sol";

/// @dev Deploys the whole L1 ecosystem (as the devnet does) and offers batch/deposit/withdrawal helpers.
abstract contract FerrumTestBase is Test {
    uint256 internal constant CHAIN_ID = 270;
    uint256 internal constant ERC20_CHAIN_ID = 271;
    uint256 internal constant PROTOCOL_VERSION = 1;
    uint256 internal constant L2_GAS_LIMIT = 300_000;
    uint256 internal constant MIN_L2_GAS_PRICE = 1 gwei;
    uint256 internal constant PRIORITY_EXPIRATION = 1 days;
    bytes32 internal constant GENESIS_ROOT = keccak256("ferrum genesis state root");
    bytes32 internal constant GENESIS_COMMITMENT = keccak256("ferrum genesis commitment");

    address internal governance = makeAddr("governance");
    address internal chainAdmin = makeAddr("chainAdmin");
    address internal validator = makeAddr("validator");
    address internal securityCouncil = makeAddr("securityCouncil");
    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");

    Bridgehub internal bridgehub;
    L1SharedBridge internal sharedBridge;
    ChainTypeManager internal ctm;
    ZKChain internal chainImpl;
    TestVerifier internal verifier;
    TestExodusVerifier internal exodusVerifier;
    IZKChain internal chain;
    IZKChain internal erc20Chain;
    TestToken internal token;
    TestToken internal baseTokenErc20;

    /// @dev Stored info of the last committed batch of `chain` (kept by the helpers).
    IExecutor.StoredBatchInfo internal lastCommitted;
    IExecutor.StoredBatchInfo internal lastVerified;
    IExecutor.StoredBatchInfo[] internal committedHistory;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        verifier = new TestVerifier();
        exodusVerifier = new TestExodusVerifier();

        Bridgehub bhImpl = new Bridgehub();
        bridgehub = Bridgehub(
            address(
                new TransparentUpgradeableProxy(
                    address(bhImpl), governance, abi.encodeCall(Bridgehub.initialize, (governance))
                )
            )
        );
        L1SharedBridge sbImpl = new L1SharedBridge(address(bridgehub));
        sharedBridge = L1SharedBridge(
            payable(address(
                    new TransparentUpgradeableProxy(
                        address(sbImpl), governance, abi.encodeCall(L1SharedBridge.initialize, (governance))
                    )
                ))
        );
        chainImpl = new ZKChain();
        ctm = new ChainTypeManager(
            address(bridgehub),
            governance,
            address(chainImpl),
            PROTOCOL_VERSION,
            _creationParams(address(verifier), false)
        );

        vm.startPrank(governance);
        bridgehub.setSharedBridge(address(sharedBridge));
        bridgehub.addChainTypeManager(address(ctm));
        ctm.setSecurityCouncil(securityCouncil);
        bridgehub.createNewChain(CHAIN_ID, address(ctm), ETH_TOKEN_ADDRESS, 0, chainAdmin, _initData(DAMode.Rollup));
        baseTokenErc20 = new TestToken("Base", "BASE", 18);
        bridgehub.createNewChain(
            ERC20_CHAIN_ID, address(ctm), address(baseTokenErc20), 0, chainAdmin, _initData(DAMode.Validium)
        );
        vm.stopPrank();

        chain = IZKChain(bridgehub.getZKChain(CHAIN_ID));
        erc20Chain = IZKChain(bridgehub.getZKChain(ERC20_CHAIN_ID));
        token = new TestToken("Token", "TKN", 6);

        lastCommitted = ZKChain(address(chain)).genesisStoredBatchInfo(GENESIS_ROOT, GENESIS_COMMITMENT);
        lastVerified = lastCommitted;
        vm.deal(alice, 1000 ether);
        vm.deal(bob, 1000 ether);
    }

    function _creationParams(address _verifier, bool _insecure) internal view returns (ChainCreationParams memory) {
        return ChainCreationParams({
            genesisBatchHash: GENESIS_ROOT,
            genesisBatchCommitment: GENESIS_COMMITMENT,
            verifier: _verifier,
            allowInsecureVerifier: _insecure,
            exodusVerifier: address(exodusVerifier),
            executionDelay: 0,
            priorityTxExpiration: PRIORITY_EXPIRATION,
            priorityTxMaxGasLimit: 80_000_000,
            minimalL2GasPrice: MIN_L2_GAS_PRICE
        });
    }

    function _initData(DAMode _mode) internal view returns (bytes memory) {
        address[] memory validators = new address[](1);
        validators[0] = validator;
        return abi.encode(_mode, validators);
    }

    // ------------------------------------------------------------------ deposits

    function _baseCost() internal view returns (uint256) {
        return bridgehub.l2TransactionBaseCost(CHAIN_ID, tx.gasprice, L2_GAS_LIMIT, REQUIRED_L2_GAS_PRICE_PER_PUBDATA);
    }

    function _directRequest(uint256 _chainId, address _to, uint256 _l2Value, uint256 _mintValue)
        internal
        pure
        returns (L2TransactionRequestDirect memory)
    {
        return L2TransactionRequestDirect({
            chainId: _chainId,
            mintValue: _mintValue,
            l2Contract: _to,
            l2Value: _l2Value,
            l2Calldata: "",
            l2GasLimit: L2_GAS_LIMIT,
            l2GasPerPubdataByteLimit: REQUIRED_L2_GAS_PRICE_PER_PUBDATA,
            factoryDeps: new bytes[](0),
            refundRecipient: address(0)
        });
    }

    /// @dev ETH deposit of `_amount` by `_from` to itself on CHAIN_ID; returns the canonical L2 tx hash.
    function _depositEth(address _from, uint256 _amount) internal returns (bytes32) {
        uint256 mint = _baseCost() + _amount;
        vm.prank(_from, _from);
        return bridgehub.requestL2TransactionDirect{value: mint}(_directRequest(CHAIN_ID, _from, _amount, mint));
    }

    function _twoBridgesRequest(uint256 _chainId, address _token, uint256 _amount, address _receiver, uint256 _mint)
        internal
        view
        returns (L2TransactionRequestTwoBridgesOuter memory)
    {
        return L2TransactionRequestTwoBridgesOuter({
            chainId: _chainId,
            mintValue: _mint,
            l2Value: 0,
            l2GasLimit: L2_GAS_LIMIT,
            l2GasPerPubdataByteLimit: REQUIRED_L2_GAS_PRICE_PER_PUBDATA,
            refundRecipient: address(0),
            secondBridgeAddress: address(sharedBridge),
            secondBridgeValue: 0,
            secondBridgeCalldata: abi.encode(_token, _amount, _receiver)
        });
    }

    /// @dev ERC-20 deposit through requestL2TransactionTwoBridges (legacy calldata encoding).
    function _depositToken(address _from, uint256 _amount) internal returns (bytes32) {
        token.mint(_from, _amount);
        vm.prank(_from);
        token.approve(address(sharedBridge), _amount);
        uint256 mint = _baseCost();
        vm.prank(_from, _from);
        return bridgehub.requestL2TransactionTwoBridges{value: mint}(
            _twoBridgesRequest(CHAIN_ID, address(token), _amount, _from, mint)
        );
    }

    function _rollingHash(bytes32[] memory _hashes) internal pure returns (bytes32 h) {
        h = EMPTY_STRING_KECCAK;
        for (uint256 i; i < _hashes.length; ++i) {
            h = keccak256(abi.encode(h, _hashes[i]));
        }
    }

    // ------------------------------------------------------------------ batches

    function _commitInfo(bytes32 _stateRoot, bytes32[] memory _priorityTxs, bytes32 _logsRoot)
        internal
        view
        returns (IExecutor.CommitBatchInfo memory info)
    {
        bytes memory pubdata = abi.encodePacked("pubdata", _stateRoot);
        info = IExecutor.CommitBatchInfo({
            batchNumber: lastCommitted.batchNumber + 1,
            newStateCommitment: _stateRoot,
            numberOfLayer1Txs: _priorityTxs.length,
            priorityOperationsHash: _rollingHash(_priorityTxs),
            l2LogsTreeRoot: _logsRoot,
            daCommitment: keccak256(pubdata),
            firstBlockTimestamp: uint64(lastCommitted.timestamp),
            lastBlockTimestamp: uint64(block.timestamp),
            chainId: CHAIN_ID,
            operatorDAInput: abi.encodePacked(uint8(0), pubdata)
        });
    }

    function _storedOf(IExecutor.CommitBatchInfo memory _info)
        internal
        view
        returns (IExecutor.StoredBatchInfo memory)
    {
        return IExecutor.StoredBatchInfo({
            batchNumber: _info.batchNumber,
            batchHash: _info.newStateCommitment,
            indexRepeatedStorageChanges: 0,
            numberOfLayer1Txs: _info.numberOfLayer1Txs,
            priorityOperationsHash: _info.priorityOperationsHash,
            l2LogsTreeRoot: _info.l2LogsTreeRoot,
            timestamp: _info.lastBlockTimestamp,
            commitment: ZKChain(address(chain)).batchOutputHash(_info)
        });
    }

    function _commit(IExecutor.CommitBatchInfo memory _info)
        internal
        returns (IExecutor.StoredBatchInfo memory stored)
    {
        stored = _storedOf(_info);
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _info;
        vm.prank(validator);
        chain.commitBatchesSharedBridge(CHAIN_ID, lastCommitted, infos);
        lastCommitted = stored;
        committedHistory.push(stored);
    }

    function _proofFor(IExecutor.StoredBatchInfo memory _prev, IExecutor.StoredBatchInfo[] memory _batches)
        internal
        pure
        returns (bytes memory)
    {
        uint256[] memory inputs = new uint256[](_batches.length);
        bytes32 prevState = _prev.batchHash;
        for (uint256 i; i < _batches.length; ++i) {
            inputs[i] = uint256(keccak256(abi.encodePacked(prevState, _batches[i].batchHash, _batches[i].commitment)));
            prevState = _batches[i].batchHash;
        }
        return abi.encode(inputs);
    }

    function _one(IExecutor.StoredBatchInfo memory _b) internal pure returns (IExecutor.StoredBatchInfo[] memory arr) {
        arr = new IExecutor.StoredBatchInfo[](1);
        arr[0] = _b;
    }

    function _prove(IExecutor.StoredBatchInfo memory _b) internal {
        bytes memory proof = _proofFor(lastVerified, _one(_b));
        vm.prank(validator);
        chain.proveBatchesSharedBridge(CHAIN_ID, lastVerified, _one(_b), proof);
        lastVerified = _b;
    }

    function _execute(IExecutor.StoredBatchInfo memory _b) internal {
        vm.prank(validator);
        chain.executeBatchesSharedBridge(CHAIN_ID, _one(_b));
    }

    /// @dev Commit + prove + execute one batch with the given priority txs and L2->L1 logs root.
    function _settle(bytes32 _stateRoot, bytes32[] memory _priorityTxs, bytes32 _logsRoot)
        internal
        returns (IExecutor.StoredBatchInfo memory b)
    {
        vm.warp(block.timestamp + 12);
        b = _commit(_commitInfo(_stateRoot, _priorityTxs, _logsRoot));
        _prove(b);
        _execute(b);
    }

    function _noTxs() internal pure returns (bytes32[] memory) {
        return new bytes32[](0);
    }

    function _txs1(bytes32 _a) internal pure returns (bytes32[] memory arr) {
        arr = new bytes32[](1);
        arr[0] = _a;
    }

    // ------------------------------------------------------------------ withdrawals

    function _ethWithdrawalMessage(address _receiver, uint256 _amount) internal pure returns (bytes memory) {
        return abi.encodePacked(bytes4(0x6c0960f9), _receiver, _amount);
    }

    function _erc20WithdrawalMessage(address _receiver, address _l1Token, uint256 _amount)
        internal
        pure
        returns (bytes memory)
    {
        return abi.encodePacked(bytes4(0x11a2ccc1), _receiver, _l1Token, _amount);
    }

    /// @dev Settles a batch whose logs tree holds the given withdrawal messages (tx number = position);
    /// returns the batch number and per-message proofs.
    function _settleWithdrawals(address[] memory _senders, bytes[] memory _messages)
        internal
        returns (uint256 batchNumber, bytes32[][] memory proofs)
    {
        bytes32[] memory leaves = new bytes32[](_messages.length);
        for (uint256 i; i < _messages.length; ++i) {
            leaves[i] = LogsTree.leaf(LogsTree.messageLog(uint16(i), _senders[i], _messages[i]));
        }
        proofs = new bytes32[][](_messages.length);
        bytes32 root;
        for (uint256 i; i < _messages.length; ++i) {
            (root, proofs[i]) = LogsTree.rootAndProof(leaves, i);
        }
        IExecutor.StoredBatchInfo memory b =
            _settle(keccak256(abi.encode("state", lastCommitted.batchNumber)), _noTxs(), root);
        batchNumber = b.batchNumber;
    }

    function _finalizeParams(
        uint256 _batch,
        uint256 _index,
        address _l2Sender,
        bytes memory _message,
        bytes32[] memory _proof
    ) internal pure returns (FinalizeL1DepositParams memory) {
        return FinalizeL1DepositParams({
            chainId: CHAIN_ID,
            l2BatchNumber: _batch,
            l2MessageIndex: _index,
            l2Sender: _l2Sender,
            l2TxNumberInBatch: uint16(_index),
            message: _message,
            merkleProof: _proof
        });
    }

    function _oneSender(address _s) internal pure returns (address[] memory arr) {
        arr = new address[](1);
        arr[0] = _s;
    }

    function _oneMessage(bytes memory _m) internal pure returns (bytes[] memory arr) {
        arr = new bytes[](1);
        arr[0] = _m;
    }
}
