// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {
    NotACouncilMember,
    AlreadyApproved,
    ActionAlreadyExecuted,
    InvalidThreshold,
    CouncilCallFailed,
    Unauthorized
} from "../common/L1ContractErrors.sol";

/// @title The security council: an M-of-N multisig that holds the emergency powers of Ferrum governance, namely the
/// Timelock's CANCELLER_ROLE (veto of queued proposals) and the ChainTypeManager's `securityCouncil` role
/// (freeze / unfreeze chains). It has no other power; a Safe can play the same role.
/// @notice An action (target, calldata, nonce) runs when the `threshold`-th member approves it; each runs once.
/// Approvals belong to a membership epoch, which every change of members or threshold starts anew: approvals given
/// before a change (by a member since removed, or by anyone) no longer count, and pending actions need the
/// threshold again from the current members.
contract SecurityCouncil {
    address[] internal members;
    mapping(address member => bool) public isMember;
    uint256 public threshold;
    /// @notice Number of the current membership; `_setMembers` increments it (the constructor starts epoch 1).
    uint256 public membershipEpoch;
    mapping(uint256 epoch => mapping(bytes32 actionId => uint256)) internal approvalsIn;
    mapping(uint256 epoch => mapping(bytes32 actionId => mapping(address member => bool))) internal approvedIn;
    mapping(bytes32 actionId => bool) public executed;

    event ActionApproved(bytes32 indexed actionId, address indexed member, uint256 approvals);
    event ActionExecuted(bytes32 indexed actionId, address indexed target, bytes data);
    event MembersChanged(address[] members, uint256 threshold);

    constructor(address[] memory _members, uint256 _threshold) {
        _setMembers(_members, _threshold);
    }

    function getMembers() external view returns (address[] memory) {
        return members;
    }

    /// @notice Approvals of an action that count now (those given in the current membership epoch).
    function approvals(bytes32 _actionId) external view returns (uint256) {
        return approvalsIn[membershipEpoch][_actionId];
    }

    /// @notice Whether `_member` approved the action in the current membership epoch.
    function hasApproved(bytes32 _actionId, address _member) external view returns (bool) {
        return approvedIn[membershipEpoch][_actionId][_member];
    }

    function actionId(address _target, bytes calldata _data, uint256 _nonce) public view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), _target, _data, _nonce));
    }

    /// @notice Approves (target, data, nonce); executes it when the threshold is reached.
    function approve(address _target, bytes calldata _data, uint256 _nonce) external returns (bytes32 id) {
        if (!isMember[msg.sender]) revert NotACouncilMember(msg.sender);
        id = actionId(_target, _data, _nonce);
        if (executed[id]) revert ActionAlreadyExecuted(id);
        uint256 epoch = membershipEpoch;
        if (approvedIn[epoch][id][msg.sender]) revert AlreadyApproved(id, msg.sender);
        approvedIn[epoch][id][msg.sender] = true;
        uint256 n = ++approvalsIn[epoch][id];
        emit ActionApproved(id, msg.sender, n);
        if (n >= threshold) {
            executed[id] = true;
            (bool ok, bytes memory ret) = _target.call(_data);
            if (!ok) revert CouncilCallFailed(ret);
            emit ActionExecuted(id, _target, _data);
        }
    }

    /// @notice Replaces the members and threshold and starts a new membership epoch (pending approvals lapse); only
    /// through an approved action of the council itself.
    function setMembers(address[] calldata _members, uint256 _threshold) external {
        if (msg.sender != address(this)) revert Unauthorized(msg.sender);
        _setMembers(_members, _threshold);
    }

    function _setMembers(address[] memory _members, uint256 _threshold) internal {
        if (_threshold == 0 || _threshold > _members.length) revert InvalidThreshold(_threshold, _members.length);
        for (uint256 i; i < members.length; ++i) {
            isMember[members[i]] = false;
        }
        delete members;
        for (uint256 i; i < _members.length; ++i) {
            if (isMember[_members[i]] || _members[i] == address(0)) {
                revert InvalidThreshold(_threshold, _members.length);
            }
            isMember[_members[i]] = true;
            members.push(_members[i]);
        }
        threshold = _threshold;
        ++membershipEpoch;
        emit MembersChanged(_members, _threshold);
    }
}
