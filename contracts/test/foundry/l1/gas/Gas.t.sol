// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {console} from "forge-std/console.sol";
import {FerrumTestBase} from "../unit/concrete/_Shared.t.sol";
import {IExecutor} from "../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {InsecureNoProofVerifier} from "../../../../contracts/state-transition/verifiers/InsecureNoProofVerifier.sol";
import {FinalizeL1DepositParams} from "../../../../contracts/bridge/interfaces/IL1SharedBridge.sol";
import {
    L2TransactionRequestDirect,
    L2TransactionRequestTwoBridgesOuter
} from "../../../../contracts/bridgehub/IBridgehub.sol";
import {L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR, L2_ASSET_ROUTER_ADDR} from "../../../../contracts/common/Config.sol";

/// @dev Gas of the L1 operations, per call: execution gas (measured), calldata gas (EIP-2028: 16 per non-zero byte,
/// 4 per zero byte) and their sum with the 21,000 base = the L1 transaction's gas. Printed with -vv and bounded so
/// regressions fail. Figures for docs/contracts.md come from the gas report of an isolated run (each call its own
/// transaction, cold storage): `forge test --match-contract GasTest --isolate --gas-report` (see scripts/contracts-gas).
contract GasTest is FerrumTestBase {
    function _calldataGas(bytes memory _data) internal pure returns (uint256 g) {
        for (uint256 i; i < _data.length; ++i) {
            g += _data[i] == 0 ? 4 : 16;
        }
    }

    function _report(string memory _what, uint256 _exec, bytes memory _calldata) internal pure returns (uint256 total) {
        uint256 cd = _calldataGas(_calldata);
        total = 21_000 + _exec + cd;
        console.log(_what);
        console.log("  execution gas", _exec);
        console.log("  calldata gas ", cd);
        console.log("  tx total     ", total);
    }

    function _commitCall(IExecutor.CommitBatchInfo memory _info) internal view returns (bytes memory) {
        IExecutor.CommitBatchInfo[] memory infos = new IExecutor.CommitBatchInfo[](1);
        infos[0] = _info;
        return abi.encodeCall(IExecutor.commitBatchesSharedBridge, (CHAIN_ID, lastCommitted, infos));
    }

    function _call(address _from, uint256 _value, address _to, bytes memory _data) internal returns (uint256 used) {
        vm.prank(_from, _from);
        uint256 g = gasleft();
        (bool ok, bytes memory ret) = _to.call{value: _value}(_data);
        used = g - gasleft();
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
    }

    function test_GasBatchLifecycle() public {
        // a realistic batch: 3 priority ops, logs root, 2 KB of calldata pubdata
        bytes32[] memory txs = new bytes32[](3);
        txs[0] = _depositEth(alice, 1 ether);
        txs[1] = _depositEth(bob, 1 ether);
        txs[2] = _depositEth(alice, 2 ether);
        vm.warp(block.timestamp + 12);
        IExecutor.CommitBatchInfo memory info = _commitInfo(keccak256("s1"), txs, keccak256("logs"));
        bytes memory pubdata = new bytes(2048);
        for (uint256 i; i < pubdata.length; ++i) {
            pubdata[i] = bytes1(uint8(i * 7 + 1));
        }
        info.operatorDAInput = abi.encodePacked(uint8(0), pubdata);
        info.daCommitment = keccak256(pubdata);
        IExecutor.StoredBatchInfo memory b = _storedOf(info);

        bytes memory commitData = _commitCall(info);
        uint256 commitGas = _call(validator, 0, address(chain), commitData);
        lastCommitted = b;
        uint256 commitTotal = _report("commitBatches (1 batch, 2 KB calldata pubdata)", commitGas, commitData);

        bytes memory proof = _proofFor(lastVerified, _one(b));
        bytes memory proveData =
            abi.encodeCall(IExecutor.proveBatchesSharedBridge, (CHAIN_ID, lastVerified, _one(b), proof));
        uint256 proveGas = _call(validator, 0, address(chain), proveData);
        uint256 proveTotal = _report("proveBatches (1 batch, through IVerifier; test verifier)", proveGas, proveData);

        bytes memory execData = abi.encodeCall(IExecutor.executeBatchesSharedBridge, (CHAIN_ID, _one(b)));
        uint256 execGas = _call(validator, 0, address(chain), execData);
        uint256 execTotal = _report("executeBatches (1 batch, 3 priority ops)", execGas, execData);

        assertEq(chain.getTotalBatchesExecuted(), 1);
        assertLt(commitTotal, 250_000);
        assertLt(proveTotal, 150_000);
        assertLt(execTotal, 200_000);
    }

    function test_GasBlobCommitAndInsecureProve() public {
        vm.warp(block.timestamp + 12);
        bytes32[] memory hashes = new bytes32[](2);
        hashes[0] = bytes32(uint256(0x01) << 248 | 11);
        hashes[1] = bytes32(uint256(0x01) << 248 | 12);
        vm.blobhashes(hashes);
        IExecutor.CommitBatchInfo memory info = _commitInfo(keccak256("s1"), _noTxs(), keccak256("logs"));
        info.operatorDAInput = hex"0102";
        info.daCommitment = keccak256(abi.encodePacked(hashes));
        IExecutor.StoredBatchInfo memory b = _storedOf(info);
        bytes memory commitData = _commitCall(info);
        uint256 commitGas = _call(validator, 0, address(chain), commitData);
        _report("commitBatches (1 batch, 2 blobs)", commitGas, commitData);

        InsecureNoProofVerifier insecure = new InsecureNoProofVerifier();
        vm.prank(governance);
        chain.setVerifier(address(insecure), true);
        bytes memory proveData =
            abi.encodeCall(IExecutor.proveBatchesSharedBridge, (CHAIN_ID, lastVerified, _one(b), ""));
        uint256 proveGas = _call(validator, 0, address(chain), proveData);
        _report("proveBatches (1 batch, InsecureNoProofVerifier)", proveGas, proveData);
        assertLt(commitGas, 100_000);
    }

    function test_GasDepositsAndWithdrawals() public {
        // warm-up deposit so the figures are those of a chain in use (non-zero balances, queue slot reused pattern)
        _depositEth(bob, 1 ether);
        _depositToken(bob, 1e6);

        uint256 mint = _baseCost() + 1 ether;
        bytes memory ethData =
            abi.encodeCall(bridgehub.requestL2TransactionDirect, (_directRequest(CHAIN_ID, alice, 1 ether, mint)));
        uint256 ethGas = _call(alice, mint, address(bridgehub), ethData);
        assertLt(_report("deposit ETH (requestL2TransactionDirect)", ethGas, ethData), 300_000);

        token.mint(alice, 100e6);
        vm.prank(alice);
        token.approve(address(sharedBridge), 100e6);
        uint256 gasMint = _baseCost();
        bytes memory tokData = abi.encodeCall(
            bridgehub.requestL2TransactionTwoBridges,
            (_twoBridgesRequest(CHAIN_ID, address(token), 100e6, alice, gasMint))
        );
        uint256 tokGas = _call(alice, gasMint, address(bridgehub), tokData);
        assertLt(_report("deposit ERC-20 (requestL2TransactionTwoBridges)", tokGas, tokData), 300_000);

        address[] memory senders = new address[](2);
        senders[0] = L2_BASE_TOKEN_SYSTEM_CONTRACT_ADDR;
        senders[1] = L2_ASSET_ROUTER_ADDR;
        bytes[] memory msgs = new bytes[](2);
        msgs[0] = _ethWithdrawalMessage(alice, 0.5 ether);
        msgs[1] = _erc20WithdrawalMessage(alice, address(token), 50e6);
        _withdrawals(senders, msgs);
    }

    function _withdrawals(address[] memory senders, bytes[] memory msgs) internal {
        (uint256 batch, bytes32[][] memory proofs) = _settleWithdrawals(senders, msgs);

        FinalizeL1DepositParams memory p0 = _finalizeParams(batch, 0, senders[0], msgs[0], proofs[0]);
        bytes memory f0 = abi.encodeCall(sharedBridge.finalizeDeposit, (p0));
        uint256 fEth = _call(alice, 0, address(sharedBridge), f0);
        assertLt(_report("finalize ETH withdrawal (finalizeDeposit, 14-deep proof)", fEth, f0), 200_000);

        FinalizeL1DepositParams memory p1 = _finalizeParams(batch, 1, senders[1], msgs[1], proofs[1]);
        bytes memory f1 = abi.encodeCall(sharedBridge.finalizeDeposit, (p1));
        uint256 fTok = _call(alice, 0, address(sharedBridge), f1);
        assertLt(_report("finalize ERC-20 withdrawal (finalizeDeposit, 14-deep proof)", fTok, f1), 200_000);
    }
}
