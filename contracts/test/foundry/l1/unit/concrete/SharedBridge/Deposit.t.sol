// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {
    IL1SharedBridge,
    FinalizeL1DepositParams
} from "../../../../../../contracts/bridge/interfaces/IL1SharedBridge.sol";
import {
    L2TransactionRequestTwoBridgesOuter,
    L2TransactionRequestTwoBridgesInner
} from "../../../../../../contracts/bridgehub/IBridgehub.sol";
import {
    L2Log,
    ETH_TOKEN_ADDRESS,
    L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR,
    L2_ASSET_ROUTER_ADDR,
    L2_NATIVE_TOKEN_VAULT_ADDR,
    TWO_BRIDGES_MAGIC_VALUE
} from "../../../../../../contracts/common/Config.sol";
import {LogsTree} from "../../../utils/LogsTree.sol";
import {FeeOnTransferToken, RejectEth} from "../../../utils/Mocks.sol";
import {L1SharedBridge} from "../../../../../../contracts/bridge/L1SharedBridge.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Vm} from "forge-std/Vm.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract DepositTest is FerrumTestBase {
    function _settleStatus(bytes32 _txHash, bool _success) internal returns (uint256 batch, bytes32[] memory proof) {
        bytes32[] memory leaves = new bytes32[](1);
        leaves[0] = LogsTree.leaf(LogsTree.statusLog(0, _txHash, _success));
        bytes32 root;
        (root, proof) = LogsTree.rootAndProof(leaves, 0);
        batch = _settle(keccak256(abi.encode("st", _txHash)), _txs1(_txHash), root).batchNumber;
    }

    function test_DepositEthCreditsChain() public {
        uint256 mint = _baseCost() + 1 ether;
        _depositEth(alice, 1 ether);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, ETH_TOKEN_ADDRESS), mint);
        assertEq(address(sharedBridge).balance, mint);
    }

    function test_DepositErc20LegacyEncoding() public {
        bytes32 l2TxHash = _depositToken(alice, 500e6);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), 500e6);
        assertEq(token.balanceOf(address(sharedBridge)), 500e6);
        assertEq(
            sharedBridge.depositHappened(CHAIN_ID, l2TxHash),
            keccak256(abi.encode(alice, address(token), uint256(500e6)))
        );
    }

    function test_DepositErc20NewEncoding() public {
        token.mint(alice, 7e6);
        vm.prank(alice);
        token.approve(address(sharedBridge), 7e6);
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r = _twoBridgesRequest(CHAIN_ID, address(token), 7e6, bob, mint);
        r.secondBridgeCalldata = bytes.concat(
            bytes1(0x01),
            abi.encode(sharedBridge.assetId(address(token)), abi.encode(uint256(7e6), bob, address(token)))
        );
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint}(r);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), 7e6);
    }

    function test_RevertWhen_NewEncodingWithWrongAssetId() public {
        token.mint(alice, 7e6);
        vm.prank(alice);
        token.approve(address(sharedBridge), 7e6);
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r = _twoBridgesRequest(CHAIN_ID, address(token), 7e6, bob, mint);
        bytes32 good = sharedBridge.assetId(address(token));
        r.secondBridgeCalldata =
            bytes.concat(bytes1(0x01), abi.encode(bytes32(uint256(1)), abi.encode(uint256(7e6), bob, address(token))));
        vm.expectRevert(abi.encodeWithSelector(AssetIdMismatch.selector, good, bytes32(uint256(1))));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint}(r);
    }

    function test_AssetIdFormula() public view {
        assertEq(
            sharedBridge.assetId(address(token)),
            keccak256(abi.encode(block.chainid, L2_NATIVE_TOKEN_VAULT_ADDR, address(token)))
        );
        assertEq(sharedBridge.L1_NULLIFIER(), address(sharedBridge));
        assertEq(sharedBridge.nativeTokenVault(), address(sharedBridge));
        assertEq(sharedBridge.L1_ASSET_ROUTER(), address(sharedBridge));
        assertEq(sharedBridge.BRIDGE_HUB(), address(bridgehub));
        assertEq(bridgehub.assetRouter(), address(sharedBridge));
    }

    function test_L2CalldataOfErc20Deposit() public {
        token.mint(address(bridgehub), 3e6);
        vm.prank(address(bridgehub));
        token.approve(address(sharedBridge), 3e6);
        token.mint(alice, 3e6);
        vm.prank(alice);
        token.approve(address(sharedBridge), 3e6);
        vm.prank(address(bridgehub));
        L2TransactionRequestTwoBridgesInner memory inner =
            sharedBridge.bridgehubDeposit(CHAIN_ID, alice, 0, abi.encode(address(token), uint256(3e6), bob));
        assertEq(inner.magicValue, TWO_BRIDGES_MAGIC_VALUE);
        assertEq(inner.l2Contract, L2_ASSET_ROUTER_ADDR);
        bytes memory metadata = abi.encode(abi.encode("Token"), abi.encode("TKN"), abi.encode(uint8(6)));
        assertEq(
            inner.l2Calldata,
            abi.encodeWithSelector(bytes4(0xcfe7af7c), alice, bob, address(token), uint256(3e6), metadata)
        );
        assertEq(inner.txDataHash, keccak256(abi.encode(alice, address(token), uint256(3e6))));
    }

    function test_RevertWhen_BridgehubFunctionsCalledDirectly() public {
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        sharedBridge.bridgehubDepositBaseToken(CHAIN_ID, ETH_TOKEN_ADDRESS, alice, 0);
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        sharedBridge.bridgehubDeposit(CHAIN_ID, alice, 0, "");
        vm.expectRevert(abi.encodeWithSelector(Unauthorized.selector, alice));
        vm.prank(alice);
        sharedBridge.bridgehubConfirmL2Transaction(CHAIN_ID, bytes32(0), bytes32(0));
    }

    /// @dev The Bridgehub-only confirmation is guarded like the bridge's other entry points: a call that arrives
    /// while the bridge is in the middle of a payout (here from the receiver of a withdrawal, acting as the
    /// Bridgehub) reverts and records nothing.
    function test_RevertWhen_ConfirmReentersTheBridge() public {
        ConfirmReenterer reenterer = new ConfirmReenterer(sharedBridge, address(bridgehub), CHAIN_ID);
        _depositEth(alice, 10 ether);
        bytes memory m = _ethWithdrawalMessage(address(reenterer), 1 ether);
        (uint256 batch, bytes32[][] memory proofs) =
            _settleWithdrawals(_oneSender(L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR), _oneMessage(m));
        sharedBridge.finalizeDeposit(_finalizeParams(batch, 0, L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, m, proofs[0]));
        assertEq(address(reenterer).balance, 1 ether);
        assertFalse(reenterer.confirmed(), "bridgehubConfirmL2Transaction ran inside finalizeDeposit");
        assertEq(reenterer.revertData(), abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector));
        assertEq(sharedBridge.depositHappened(CHAIN_ID, reenterer.TX_HASH()), bytes32(0));
    }

    function test_RevertWhen_DepositingBaseTokenThroughSecondBridge() public {
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r =
            _twoBridgesRequest(CHAIN_ID, ETH_TOKEN_ADDRESS, 1 ether, bob, mint);
        r.secondBridgeValue = 1 ether;
        vm.expectRevert(abi.encodeWithSelector(TokenIsBaseToken.selector, ETH_TOKEN_ADDRESS));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint + 1 ether}(r);
    }

    function test_RevertWhen_DepositZero() public {
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r = _twoBridgesRequest(CHAIN_ID, address(token), 0, bob, mint);
        vm.expectRevert(AmountMustBeGreaterThanZero.selector);
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint}(r);
    }

    function test_RevertWhen_TwoBridgesMsgValueMismatch() public {
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r = _twoBridgesRequest(CHAIN_ID, address(token), 1, bob, mint);
        vm.expectRevert(abi.encodeWithSelector(MsgValueMismatch.selector, mint, mint + 1));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint + 1}(r);
    }

    function test_FeeOnTransferTokenCreditsWhatArrived() public {
        FeeOnTransferToken fot = new FeeOnTransferToken();
        fot.mint(alice, 1000);
        vm.prank(alice);
        fot.approve(address(sharedBridge), 1000);
        uint256 mint = _baseCost();
        L2TransactionRequestTwoBridgesOuter memory r = _twoBridgesRequest(CHAIN_ID, address(fot), 1000, alice, mint);
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: mint}(r);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(fot)), 990);
        assertEq(fot.balanceOf(address(sharedBridge)), 990);
    }

    function test_Erc20BaseTokenChain() public {
        uint256 mint = 1_000_000 gwei;
        baseTokenErc20.mint(alice, mint);
        vm.prank(alice);
        baseTokenErc20.approve(address(sharedBridge), mint);
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect(_directRequest(ERC20_CHAIN_ID, alice, 0, mint));
        assertEq(sharedBridge.chainBalance(ERC20_CHAIN_ID, address(baseTokenErc20)), mint);
        assertEq(erc20Chain.getTotalPriorityTxs(), 1);
        // ETH into an ERC-20-based chain goes through the second bridge
        uint256 gasMint = 300_000 gwei;
        baseTokenErc20.mint(alice, gasMint);
        vm.prank(alice);
        baseTokenErc20.approve(address(sharedBridge), gasMint);
        L2TransactionRequestTwoBridgesOuter memory r =
            _twoBridgesRequest(ERC20_CHAIN_ID, ETH_TOKEN_ADDRESS, 2 ether, bob, gasMint);
        r.secondBridgeValue = 2 ether;
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionTwoBridges{value: 2 ether}(r);
        assertEq(sharedBridge.chainBalance(ERC20_CHAIN_ID, ETH_TOKEN_ADDRESS), 2 ether);
        assertEq(sharedBridge.chainBalance(ERC20_CHAIN_ID, address(baseTokenErc20)), mint + gasMint);
    }

    function test_RevertWhen_EthSentToErc20BaseTokenChain() public {
        vm.expectRevert(abi.encodeWithSelector(MsgValueMismatch.selector, 0, 1));
        vm.prank(alice, alice);
        bridgehub.requestL2TransactionDirect{value: 1}(_directRequest(ERC20_CHAIN_ID, alice, 0, 1));
    }
}

/// @dev Receiver of an ETH withdrawal that, while being paid, calls `bridgehubConfirmL2Transaction` as the Bridgehub.
contract ConfirmReenterer {
    Vm internal constant VM = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    bytes32 public constant TX_HASH = keccak256("reentered tx");
    L1SharedBridge internal immutable BRIDGE;
    address internal immutable BRIDGEHUB;
    uint256 internal immutable CHAIN;
    bool public confirmed;
    bytes public revertData;

    constructor(L1SharedBridge _bridge, address _bridgehub, uint256 _chainId) {
        BRIDGE = _bridge;
        BRIDGEHUB = _bridgehub;
        CHAIN = _chainId;
    }

    receive() external payable {
        VM.prank(BRIDGEHUB);
        try BRIDGE.bridgehubConfirmL2Transaction(CHAIN, keccak256("forged deposit"), TX_HASH) {
            confirmed = true;
        } catch (bytes memory err) {
            revertData = err;
        }
    }
}
