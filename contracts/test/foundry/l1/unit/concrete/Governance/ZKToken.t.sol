// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Test} from "forge-std/Test.sol";
import {ZKToken} from "../../../../../../contracts/governance/ZKToken.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract ZKTokenTest is Test {
    uint256 internal constant SUPPLY = 21_000_000_000e18;
    uint256 internal ownerKey = 0xA11CE;
    address internal owner = vm.addr(ownerKey);
    address internal treasury = makeAddr("treasury");
    ZKToken internal zk;

    function setUp() public {
        address[] memory holders = new address[](2);
        holders[0] = owner;
        holders[1] = treasury;
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = 1_000_000_000e18;
        amounts[1] = SUPPLY - 1_000_000_000e18;
        zk = new ZKToken(holders, amounts);
    }

    function test_FixedSupplyAndMetadata() public view {
        assertEq(zk.totalSupply(), SUPPLY);
        assertEq(zk.TOTAL_SUPPLY(), SUPPLY);
        assertEq(zk.name(), "ZK");
        assertEq(zk.symbol(), "ZK");
        assertEq(zk.decimals(), 18);
        assertEq(zk.balanceOf(owner), 1_000_000_000e18);
        assertEq(zk.balanceOf(treasury), SUPPLY - 1_000_000_000e18);
    }

    function test_RevertWhen_SupplyIsNotExact() public {
        address[] memory holders = new address[](1);
        holders[0] = owner;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = SUPPLY - 1;
        vm.expectRevert(abi.encodeWithSelector(SupplyMismatch.selector, SUPPLY, SUPPLY - 1));
        new ZKToken(holders, amounts);
        vm.expectRevert(LengthMismatch.selector);
        new ZKToken(holders, new uint256[](2));
    }

    function test_VotesFollowDelegation() public {
        assertEq(zk.getVotes(owner), 0);
        vm.prank(owner);
        zk.delegate(owner);
        assertEq(zk.getVotes(owner), 1_000_000_000e18);
        vm.roll(block.number + 1);
        vm.prank(owner);
        zk.transfer(treasury, 1e18);
        assertEq(zk.getVotes(owner), 1_000_000_000e18 - 1e18);
        assertEq(zk.getPastVotes(owner, block.number - 1), 1_000_000_000e18);
    }

    function test_Permit() public {
        address spender = makeAddr("spender");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                spender,
                5e18,
                zk.nonces(owner),
                deadline
            )
        );
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(ownerKey, keccak256(abi.encodePacked("\x19\x01", zk.DOMAIN_SEPARATOR(), structHash)));
        zk.permit(owner, spender, 5e18, deadline, v, r, s);
        assertEq(zk.allowance(owner, spender), 5e18);
        assertEq(zk.nonces(owner), 1);
        vm.expectRevert();
        zk.permit(owner, spender, 5e18, deadline, v, r, s);
    }
}
