// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {
    IMailbox,
    L2CanonicalTransaction,
    BridgehubL2TransactionRequest,
    PriorityOperation
} from "../../../../../../contracts/state-transition/chain-interfaces/IMailbox.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {Vm} from "forge-std/Vm.sol";
import {L2TransactionRequestDirect} from "../../../../../../contracts/bridgehub/IBridgehub.sol";
import {
    L2Log,
    L2Message,
    TxStatus,
    ETH_TOKEN_ADDRESS,
    MAX_PRIORITY_TX_GAS_LIMIT,
    MAX_L2_GAS_PRICE
} from "../../../../../../contracts/common/Config.sol";
import {AddressAliasHelper} from "../../../../../../contracts/common/libraries/AddressAliasHelper.sol";
import {LogsTree} from "../../../utils/LogsTree.sol";
import {Dummy} from "../../../utils/Mocks.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract RequestL2TransactionTest is FerrumTestBase {
    function _settleLogs(L2Log[] memory _logs) internal returns (uint256 batch, bytes32[][] memory proofs) {
        bytes32[] memory leaves = new bytes32[](_logs.length);
        for (uint256 i; i < _logs.length; ++i) {
            leaves[i] = LogsTree.leaf(_logs[i]);
        }
        proofs = new bytes32[][](_logs.length);
        bytes32 root;
        for (uint256 i; i < _logs.length; ++i) {
            (root, proofs[i]) = LogsTree.rootAndProof(leaves, i);
        }
        batch = _settle(keccak256("s"), _noTxs(), root).batchNumber;
    }

    function test_RequestL2TransactionEmitsCanonicalTx() public {
        uint256 mint = _baseCost() + 1 ether;
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 1 ether, mint);
        r.l2Calldata = hex"c0ffee";
        L2CanonicalTransaction memory expected = L2CanonicalTransaction({
            txType: 255,
            from: uint256(uint160(alice)),
            to: uint256(uint160(bob)),
            gasLimit: L2_GAS_LIMIT,
            gasPerPubdataByteLimit: 800,
            maxFeePerGas: MIN_L2_GAS_PRICE,
            maxPriorityFeePerGas: 0,
            paymaster: 0,
            nonce: 0,
            value: 1 ether,
            reserved: [mint, uint256(uint160(alice)), 0, 0],
            data: hex"c0ffee",
            signature: "",
            factoryDeps: new uint256[](0),
            paymasterInput: "",
            reservedDynamic: ""
        });
        bytes32 expectedHash = keccak256(abi.encode(expected));
        vm.expectEmit(address(chain));
        emit IMailbox.NewPriorityRequest(
            0, expectedHash, uint64(block.timestamp + PRIORITY_EXPIRATION), expected, new bytes[](0)
        );
        vm.prank(alice, alice);
        bytes32 h = bridgehub.requestL2TransactionDirect{value: mint}(r);
        assertEq(h, expectedHash);
        assertEq(chain.getTotalPriorityTxs(), 1);
        assertEq(chain.getPriorityQueueSize(), 1);
        PriorityOperation memory op = chain.priorityQueueFrontOperation();
        assertEq(op.canonicalTxHash, h);
        assertEq(op.expirationTimestamp, block.timestamp + PRIORITY_EXPIRATION);
        assertEq(chain.priorityOperation(0).canonicalTxHash, h);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), mint);
    }

    function test_ContractSenderIsAliased() public {
        address contractSender = address(new Dummy());
        vm.deal(contractSender, 10 ether);
        uint256 mint = _baseCost();
        vm.recordLogs();
        vm.prank(contractSender, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(_directRequest(CHAIN_ID, bob, 0, mint));
        // canonical tx `from` is the alias
        Vm.Log[] memory entries = vm.getRecordedLogs();
        bool found;
        for (uint256 i; i < entries.length; ++i) {
            if (entries[i].emitter != address(chain)) continue;
            (,,, L2CanonicalTransaction memory t,) =
                abi.decode(entries[i].data, (uint256, bytes32, uint64, L2CanonicalTransaction, bytes[]));
            assertEq(t.from, uint256(uint160(AddressAliasHelper.applyL1ToL2Alias(contractSender))));
            assertEq(t.reserved[1], uint256(uint160(AddressAliasHelper.applyL1ToL2Alias(contractSender))));
            found = true;
        }
        assertTrue(found);
        assertEq(
            AddressAliasHelper.applyL1ToL2Alias(contractSender),
            address(
                uint160(uint256(uint160(contractSender)) + uint256(uint160(0x1111000000000000000000000000000000001111)))
            )
        );
        assertEq(
            AddressAliasHelper.undoL1ToL2Alias(AddressAliasHelper.applyL1ToL2Alias(contractSender)), contractSender
        );
    }

    function test_RefundRecipientRules() public {
        address contractRecipient = address(new Dummy());
        uint256 mint = _baseCost();
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, mint);
        r.refundRecipient = contractRecipient;
        vm.recordLogs();
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(r);
        r.refundRecipient = bob;
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(r);
        Vm.Log[] memory entries = vm.getRecordedLogs();
        uint256[] memory recipients = new uint256[](2);
        uint256 k;
        for (uint256 i; i < entries.length; ++i) {
            if (entries[i].emitter != address(chain)) continue;
            (,,, L2CanonicalTransaction memory t,) =
                abi.decode(entries[i].data, (uint256, bytes32, uint64, L2CanonicalTransaction, bytes[]));
            recipients[k++] = t.reserved[1];
        }
        assertEq(recipients[0], uint256(uint160(AddressAliasHelper.applyL1ToL2Alias(contractRecipient))));
        assertEq(recipients[1], uint256(uint160(bob)));
    }

    function test_RevertWhen_RequestNotFromBridgehub() public {
        BridgehubL2TransactionRequest memory r;
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        chain.bridgehubRequestL2Transaction(r);
    }

    function test_RevertWhen_MintValueTooLow() public {
        uint256 cost = _baseCost();
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 1 ether, cost);
        vm.expectRevert(abi.encodeWithSelector(MsgValueTooLow.selector, cost + 1 ether, cost));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: cost}(r);
    }

    function test_RevertWhen_MsgValueDiffersFromMintValue() public {
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(MsgValueMismatch.selector, 1 ether, 0.5 ether));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: 0.5 ether}(r);
    }

    function test_RevertWhen_WrongGasPerPubdata() public {
        uint256 mint = _baseCost();
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, mint);
        r.l2GasPerPubdataByteLimit = 50_000;
        vm.expectRevert(abi.encodeWithSelector(InvalidPubdataPricing.selector, 50_000));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(r);
    }

    function test_RevertWhen_TooMuchGas() public {
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, 1 ether);
        r.l2GasLimit = 80_000_001;
        vm.expectRevert(abi.encodeWithSelector(TooMuchGas.selector, 80_000_001));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: 1 ether}(r);
    }

    /// @dev Storage slot of `ZKChainStorage.priorityTxMaxGasLimit` (the struct starts at slot 0).
    uint256 internal constant PRIORITY_TX_MAX_GAS_LIMIT_SLOT = 21;

    /// @dev A request above MAX_PRIORITY_TX_GAS_LIMIT is refused even when the chain's stored limit is higher (state
    /// written before the setters were bounded, kept across an upgrade); at the bound it is accepted.
    function test_RevertWhen_GasLimitAboveMaxWhateverTheStoredLimit() public {
        vm.store(address(chain), bytes32(PRIORITY_TX_MAX_GAS_LIMIT_SLOT), bytes32(type(uint256).max));
        assertEq(chain.getPriorityTxMaxGasLimit(), type(uint256).max);
        uint256 gas = MAX_PRIORITY_TX_GAS_LIMIT + 1;
        uint256 mint = chain.l2TransactionBaseCost(tx.gasprice, gas, 800);
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, mint);
        r.l2GasLimit = gas;
        vm.expectRevert(abi.encodeWithSelector(TooMuchGas.selector, gas));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(r);

        r.l2GasLimit = MAX_PRIORITY_TX_GAS_LIMIT;
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(r);
        assertEq(chain.getTotalPriorityTxs(), 1);
    }

    /// @dev The L1-derived `maxFeePerGas` of a priority op (L1 gas price x base-token multiplier) is at most
    /// 2^128 - 1; a request above it reverts instead of queueing a fee the L2 cannot represent.
    function test_RevertWhen_MaxFeePerGasAboveUint128() public {
        vm.prank(chainAdmin);
        chain.setTokenMultiplier(type(uint128).max, 1);
        // a zero gas limit costs nothing, so only the price bound can refuse the request
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, 0);
        r.l2GasLimit = 0;
        vm.txGasPrice(2);
        vm.expectRevert(abi.encodeWithSelector(MaxFeePerGasTooBig.selector, 2 * MAX_L2_GAS_PRICE));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect(r);
        assertEq(chain.getTotalPriorityTxs(), 0);

        vm.txGasPrice(1);
        vm.recordLogs();
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect(r);
        Vm.Log[] memory entries = vm.getRecordedLogs();
        bool found;
        for (uint256 i; i < entries.length; ++i) {
            if (entries[i].emitter != address(chain)) continue;
            (,,, L2CanonicalTransaction memory t,) =
                abi.decode(entries[i].data, (uint256, bytes32, uint64, L2CanonicalTransaction, bytes[]));
            assertEq(t.maxFeePerGas, MAX_L2_GAS_PRICE);
            found = true;
        }
        assertTrue(found);
    }

    function test_RevertWhen_FactoryDeps() public {
        uint256 mint = _baseCost();
        L2TransactionRequestDirect memory r = _directRequest(CHAIN_ID, bob, 0, mint);
        r.factoryDeps = new bytes[](1);
        vm.expectRevert(FactoryDepsNotSupported.selector);
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: mint}(r);
    }

    function test_BaseCost() public view {
        assertEq(chain.l2TransactionBaseCost(0, 100, 800), 100 * MIN_L2_GAS_PRICE);
        assertEq(chain.l2TransactionBaseCost(5 gwei, 100, 800), 100 * 5 gwei);
        assertEq(bridgehub.l2TransactionBaseCost(CHAIN_ID, 5 gwei, 100, 800), 100 * 5 gwei);
    }
}

