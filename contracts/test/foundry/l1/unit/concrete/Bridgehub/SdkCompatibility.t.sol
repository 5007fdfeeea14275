// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {IBridgehub} from "../../../../../../contracts/bridgehub/IBridgehub.sol";
import {IL1SharedBridge} from "../../../../../../contracts/bridge/interfaces/IL1SharedBridge.sol";
import {L1SharedBridge} from "../../../../../../contracts/bridge/L1SharedBridge.sol";
import {IMailbox} from "../../../../../../contracts/state-transition/chain-interfaces/IMailbox.sol";

/// @dev The selectors and topics that zksync-ethers 6.21.1 hard-codes.
contract SdkCompatibilityTest is Test {
    function test_SelectorsMatchZksyncSdk() public pure {
        assertEq(IBridgehub.getZKChain.selector, bytes4(0xe680c4c1));
        assertEq(IBridgehub.baseToken.selector, bytes4(0x59ec65a2));
        assertEq(IBridgehub.l2TransactionBaseCost.selector, bytes4(0x71623274));
        assertEq(IBridgehub.requestL2TransactionDirect.selector, bytes4(0xd52471c1));
        assertEq(IBridgehub.requestL2TransactionTwoBridges.selector, bytes4(0x24fd57fb));
        assertEq(L1SharedBridge.L1_NULLIFIER.selector, bytes4(0xe60ccaba));
        assertEq(L1SharedBridge.nativeTokenVault.selector, bytes4(0x64e130cf));
        assertEq(L1SharedBridge.L1_ASSET_ROUTER.selector, bytes4(0xcdf25430));
        assertEq(L1SharedBridge.assetId.selector, bytes4(0xfd3f60df));
        assertEq(IL1SharedBridge.isWithdrawalFinalized.selector, bytes4(0x8f31f052));
        assertEq(IL1SharedBridge.finalizeDeposit.selector, bytes4(0x74beea82));
        assertEq(
            IMailbox.NewPriorityRequest.selector,
            bytes32(0x4531cd5795773d7101c17bdeb9f5ab7f47d7056017506f937083be5d6e77a382)
        );
    }
}
