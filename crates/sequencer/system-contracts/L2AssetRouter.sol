// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface IL1Messenger {
    function sendToL1(bytes calldata _message) external returns (bytes32);
}

/// @title L2AssetRouter (genesis code at 0x…10003, ZKsync's address; the SDK's "L2 shared bridge")
/// @notice The L2 side of ERC-20 bridging. A deposit through the L1 shared bridge arrives as a priority transaction
/// from the alias of that bridge calling `finalizeDeposit`, which deploys the token's bridged twin (CREATE2, salt =
/// the L1 token, so `l2TokenAddress` is known before the first deposit) and mints. `withdraw` burns and sends the
/// legacy message `0x11a2ccc1 ‖ l1Receiver ‖ l1Token ‖ amount` to L1 through the L1 messenger.
/// @dev Slots 0 and 1 are written by the genesis (the L1 shared bridge and L1 chain id of the ecosystem the chain
/// was created for; zero on a chain that settles nowhere, where every deposit is refused).
contract L2AssetRouter {
    address internal constant L1_MESSENGER = address(0x8008);
    /// @dev era's AddressAliasHelper offset: an L1 contract is seen on L2 at its address plus this.
    uint160 internal constant ALIAS_OFFSET = uint160(0x1111000000000000000000000000000000001111);
    /// @dev IL1ERC20Bridge.finalizeWithdrawal selector: the legacy ERC-20 withdrawal message.
    bytes4 internal constant LEGACY_WITHDRAWAL_SELECTOR = 0x11a2ccc1;
    /// @dev era's native token vault address, part of every asset id.
    address internal constant NATIVE_TOKEN_VAULT = address(0x10004);

    /// @notice The L1 shared bridge (era's L1AssetRouter). Slot 0, set by the genesis.
    address public L1_ASSET_ROUTER;
    /// @notice The L1 chain id. Slot 1, set by the genesis.
    uint256 public L1_CHAIN_ID;
    /// @notice L1 token of each bridged token deployed here.
    mapping(address l2Token => address l1Token) public l1TokenAddress;
    /// @notice Bridged token of each asset id (`keccak256(abi.encode(L1 chain id, 0x…10004, l1Token))`).
    mapping(bytes32 assetId => address l2Token) public tokenAddress;

    event FinalizeDeposit(
        address indexed l1Sender, address indexed l2Receiver, address indexed l2Token, uint256 amount
    );
    event WithdrawalInitiated(
        address indexed l2Sender, address indexed l1Receiver, address indexed l2Token, uint256 amount
    );

    error Unauthorized(address caller);
    error UnknownToken(address l2Token);
    error AmountMustBeGreaterThanZero();

    /// @notice Same as `L1_ASSET_ROUTER` (the legacy name the SDK also reads).
    function l1SharedBridge() external view returns (address) {
        return L1_ASSET_ROUTER;
    }

    /// @notice Same as `L1_ASSET_ROUTER` (era's legacy L2 bridge getter).
    function l1Bridge() external view returns (address) {
        return L1_ASSET_ROUTER;
    }

    /// @notice The bridged token of `_l1Token`, deployed or not yet.
    function l2TokenAddress(address _l1Token) public view returns (address) {
        bytes32 h = keccak256(
            abi.encodePacked(bytes1(0xff), address(this), _salt(_l1Token), keccak256(type(BridgedERC20).creationCode))
        );
        return address(uint160(uint256(h)));
    }

    /// @notice era's native-token-vault asset id of an L1 token.
    function assetId(address _l1Token) public view returns (bytes32) {
        return keccak256(abi.encode(L1_CHAIN_ID, NATIVE_TOKEN_VAULT, _l1Token));
    }

    /// @notice The L2 side of an ERC-20 deposit; only the alias of the L1 shared bridge may call it.
    /// @param _data abi.encode(bytes name, bytes symbol, bytes decimals): the raw return data of the L1 token's getters.
    function finalizeDeposit(
        address _l1Sender,
        address _l2Receiver,
        address _l1Token,
        uint256 _amount,
        bytes calldata _data
    ) external {
        address l1Bridge_ = L1_ASSET_ROUTER;
        address aliased;
        unchecked {
            aliased = address(uint160(l1Bridge_) + ALIAS_OFFSET);
        }
        if (l1Bridge_ == address(0) || msg.sender != aliased) revert Unauthorized(msg.sender);
        address token = l2TokenAddress(_l1Token);
        if (token.code.length == 0) {
            BridgedERC20 deployed = new BridgedERC20{salt: _salt(_l1Token)}();
            deployed.bridgeInitialize(_l1Token, _data);
            l1TokenAddress[token] = _l1Token;
            tokenAddress[assetId(_l1Token)] = token;
        }
        BridgedERC20(token).bridgeMint(_l2Receiver, _amount);
        emit FinalizeDeposit(_l1Sender, _l2Receiver, token, _amount);
    }

    /// @notice Burns `_amount` of the caller's `_l2Token` and sends the withdrawal message to L1, where the shared
    /// bridge releases the L1 token to `_l1Receiver` once the batch is executed.
    function withdraw(address _l1Receiver, address _l2Token, uint256 _amount) external {
        address l1Token = l1TokenAddress[_l2Token];
        if (l1Token == address(0)) revert UnknownToken(_l2Token);
        if (_amount == 0) revert AmountMustBeGreaterThanZero();
        BridgedERC20(_l2Token).bridgeBurn(msg.sender, _amount);
        IL1Messenger(L1_MESSENGER).sendToL1(abi.encodePacked(LEGACY_WITHDRAWAL_SELECTOR, _l1Receiver, l1Token, _amount));
        emit WithdrawalInitiated(msg.sender, _l1Receiver, _l2Token, _amount);
    }

    function _salt(address _l1Token) internal pure returns (bytes32) {
        return bytes32(uint256(uint160(_l1Token)));
    }
}

/// @title The L2 twin of an L1 ERC-20: minted by deposits and burned by withdrawals, only through the asset router
/// that deployed it; name, symbol and decimals copied from L1.
contract BridgedERC20 {
    /// @notice The asset router (its deployer).
    address public immutable l2Bridge;
    /// @notice The L1 token.
    address public l1Address;
    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
    event BridgeInitialize(address indexed l1Token, string name, string symbol, uint8 decimals);
    event BridgeMint(address indexed account, uint256 amount);
    event BridgeBurn(address indexed account, uint256 amount);

    error Unauthorized(address caller);
    error AlreadyInitialized();
    error InsufficientBalance(uint256 balance, uint256 needed);
    error InsufficientAllowance(uint256 allowance, uint256 needed);

    modifier onlyBridge() {
        if (msg.sender != l2Bridge) revert Unauthorized(msg.sender);
        _;
    }

    constructor() {
        l2Bridge = msg.sender;
    }

    /// @param _data abi.encode(bytes name, bytes symbol, bytes decimals) as raw return data; a getter that is
    /// missing or malformed on L1 leaves the default ("", "", 18) instead of failing the deposit.
    function bridgeInitialize(address _l1Address, bytes calldata _data) external onlyBridge {
        if (l1Address != address(0)) revert AlreadyInitialized();
        l1Address = _l1Address;
        decimals = 18;
        (bytes memory n, bytes memory s, bytes memory d) = abi.decode(_data, (bytes, bytes, bytes));
        try this.decodeString(n) returns (string memory v) {
            name = v;
        } catch {}
        try this.decodeString(s) returns (string memory v) {
            symbol = v;
        } catch {}
        try this.decodeUint8(d) returns (uint8 v) {
            decimals = v;
        } catch {}
        emit BridgeInitialize(_l1Address, name, symbol, decimals);
    }

    /// @dev External so that a malformed input reverts into the caller's `catch`.
    function decodeString(bytes calldata _b) external pure returns (string memory) {
        return abi.decode(_b, (string));
    }

    /// @dev External so that a malformed input reverts into the caller's `catch`.
    function decodeUint8(bytes calldata _b) external pure returns (uint8) {
        return abi.decode(_b, (uint8));
    }

    function bridgeMint(address _to, uint256 _amount) external onlyBridge {
        totalSupply += _amount;
        unchecked {
            balanceOf[_to] += _amount;
        }
        emit Transfer(address(0), _to, _amount);
        emit BridgeMint(_to, _amount);
    }

    function bridgeBurn(address _from, uint256 _amount) external onlyBridge {
        uint256 b = balanceOf[_from];
        if (b < _amount) revert InsufficientBalance(b, _amount);
        unchecked {
            balanceOf[_from] = b - _amount;
            totalSupply -= _amount;
        }
        emit Transfer(_from, address(0), _amount);
        emit BridgeBurn(_from, _amount);
    }

    function transfer(address _to, uint256 _amount) external returns (bool) {
        _transfer(msg.sender, _to, _amount);
        return true;
    }

    function approve(address _spender, uint256 _amount) external returns (bool) {
        allowance[msg.sender][_spender] = _amount;
        emit Approval(msg.sender, _spender, _amount);
        return true;
    }

    function transferFrom(address _from, address _to, uint256 _amount) external returns (bool) {
        uint256 a = allowance[_from][msg.sender];
        if (a != type(uint256).max) {
            if (a < _amount) revert InsufficientAllowance(a, _amount);
            unchecked {
                allowance[_from][msg.sender] = a - _amount;
            }
        }
        _transfer(_from, _to, _amount);
        return true;
    }

    function _transfer(address _from, address _to, uint256 _amount) internal {
        uint256 b = balanceOf[_from];
        if (b < _amount) revert InsufficientBalance(b, _amount);
        unchecked {
            balanceOf[_from] = b - _amount;
            balanceOf[_to] += _amount;
        }
        emit Transfer(_from, _to, _amount);
    }
}
