#!/usr/bin/env python3
"""Independent (Python hashlib) model of the L2 state tree format of crates/primitives/src/tree.rs, used to make the
test vectors in test/foundry/l1/unit/concrete/Exodus/StateTreeExodusVerifier.t.sol. Prints Solidity constants.

Tree: depth 64, Blake2s-256; leaf = blake2s(key || value || next as u64 LE); empty leaf = blake2s(72 zero bytes);
node = blake2s(left || right). Leaves are filled left to right; `next` links them in key order (guards at index 0
(key 0x00..00) and 1 (key 0xff..ff)). tree_key(address, slot) = blake2s(pad32(address) || slot); account key =
tree_key(0x8003, pad32(address)); account value = blake2s(nonce u64 BE || balance u256 BE || code_hash); a storage
slot's value is the raw 32-byte word. State commitment = blake2s(tree_root || next_free_index u64 BE ||
block_number u64 BE || block_hash || timestamp u64 BE).

Vector 1 (base token): leaves [guard0, guard1, alice account] with alice = 7 ETH, nonce 3, no code.
Vector 2 (ERC-20): leaves [guard0, guard1, alice account, alice's balance slot, bob's balance slot] in an L2 token
that keeps balances in a Solidity mapping at slot 0: alice holds 250e6, bob 40e6 and has no account leaf. Proves
the balance slots, alice's account (EOA) and bob's absence (neighbours). Arguments: the two mapping slots."""
import hashlib

DEPTH = 64
KECCAK_EMPTY = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
ALICE = "328809bc894f92807417d2dad6b7c998c1afdac6"  # makeAddr("alice") in forge
BOB = "1d96f2f6bef1202e4ce1ff6dad0c2cb002861d3e"  # makeAddr("bob")
L2_TOKEN = "000000000000000000000000000000000000abcd"


def b2(*parts):
    h = hashlib.blake2s()
    for p in parts:
        h.update(p)
    return h.digest()


def pad32(addr_hex):
    return bytes(12) + bytes.fromhex(addr_hex)


def tree_key(addr_hex, slot):
    return b2(pad32(addr_hex), slot)


def account_key(addr_hex):
    return tree_key("0000000000000000000000000000000000008003", pad32(addr_hex))


def keccak_mapping_slot(addr_hex, slot):
    # keccak256(abi.encode(address, uint256 slot)): no keccak in hashlib, so the Solidity test recomputes it and
    # this script takes the value from the command line (see main)
    raise NotImplementedError


class Tree:
    def __init__(self, leaves):  # leaves: list of (key, value) in insertion order, guards first
        order = sorted(range(len(leaves)), key=lambda i: leaves[i][0])
        nxt = [0] * len(leaves)
        for a, b in zip(order, order[1:]):
            nxt[a] = b
        nxt[order[-1]] = 0
        self.leaves = [(k, v, n) for (k, v), n in zip(leaves, nxt)]
        self.empty = [b2(bytes(72))]
        for d in range(DEPTH):
            self.empty.append(b2(self.empty[d], self.empty[d]))
        self.levels = [[b2(k, v, n.to_bytes(8, "little")) for k, v, n in self.leaves]]
        for d in range(DEPTH):
            below = self.levels[-1]
            up = []
            for i in range(0, max(len(below), 1), 2):
                l = below[i] if i < len(below) else self.empty[d]
                r = below[i + 1] if i + 1 < len(below) else self.empty[d]
                up.append(b2(l, r))
            self.levels.append(up)
        self.root = self.levels[-1][0]

    def siblings(self, index):
        out = []
        for d in range(DEPTH):
            sib = index ^ 1
            lvl = self.levels[d]
            out.append(lvl[sib] if sib < len(lvl) else self.empty[d])
            index >>= 1
        return out


def commitment(root):
    return b2(root, (3).to_bytes(8, "big"), (42).to_bytes(8, "big"), b"\x11" * 32, (1_700_000_000).to_bytes(8, "big"))


def main():
    import sys
    guards = [(bytes(32), bytes(32)), (b"\xff" * 32, bytes(32))]
    alice_value = b2((3).to_bytes(8, "big"), (7 * 10**18).to_bytes(32, "big"), KECCAK_EMPTY)
    t1 = Tree(guards + [(account_key(ALICE), alice_value)])
    print("    bytes32 constant ROOT = 0x%s;" % t1.root.hex())
    print("    bytes32 constant COMMITMENT = 0x%s;" % commitment(t1.root).hex())
    print("    bytes32 constant ACCOUNT_KEY = 0x%s;" % account_key(ALICE).hex())
    print('    bytes constant SIBLINGS = hex"%s";' % b"".join(t1.siblings(2)).hex())
    if len(sys.argv) > 2:  # keccak256(abi.encode(alice / bob, uint256(0))) from `cast keccak`
        mslot = bytes.fromhex(sys.argv[1].removeprefix("0x"))
        bob_mslot = bytes.fromhex(sys.argv[2].removeprefix("0x"))
        bal_key = tree_key(L2_TOKEN, mslot)
        bal_value = (250 * 10**6).to_bytes(32, "big")
        bob_bal_key = tree_key(L2_TOKEN, bob_mslot)
        bob_bal_value = (40 * 10**6).to_bytes(32, "big")
        t2 = Tree(guards + [(account_key(ALICE), alice_value), (bal_key, bal_value), (bob_bal_key, bob_bal_value)])
        print("    bytes32 constant ROOT2 = 0x%s;" % t2.root.hex())
        print("    bytes32 constant COMMITMENT2 = 0x%s;" % commitment(t2.root).hex())
        print("    bytes32 constant BALANCE_KEY = 0x%s;" % bal_key.hex())
        print("    uint64 constant BALANCE_NEXT = %d;" % t2.leaves[3][2])
        print("    uint64 constant ALICE_NEXT2 = %d;" % t2.leaves[2][2])
        print('    bytes constant SIBLINGS2_BALANCE = hex"%s";' % b"".join(t2.siblings(3)).hex())
        print('    bytes constant SIBLINGS2_ALICE = hex"%s";' % b"".join(t2.siblings(2)).hex())
        print("    bytes32 constant BOB_BALANCE_KEY = 0x%s;" % bob_bal_key.hex())
        print("    uint64 constant BOB_BALANCE_NEXT = %d;" % t2.leaves[4][2])
        print('    bytes constant SIBLINGS2_BOB_BALANCE = hex"%s";' % b"".join(t2.siblings(4)).hex())
        # bob's absence: neighbours in key order
        bk = account_key(BOB)
        order = sorted(range(len(t2.leaves)), key=lambda i: t2.leaves[i][0])
        left = max((i for i in order if t2.leaves[i][0] < bk), key=lambda i: t2.leaves[i][0])
        right = t2.leaves[left][2]
        print("    bytes32 constant BOB_KEY = 0x%s;" % bk.hex())
        for name, i in (("LEFT", left), ("RIGHT", right)):
            k, v, n = t2.leaves[i]
            print("    uint64 constant %s_INDEX = %d;" % (name, i))
            print("    bytes32 constant %s_KEY = 0x%s;" % (name, k.hex()))
            print("    bytes32 constant %s_VALUE = 0x%s;" % (name, v.hex()))
            print("    uint64 constant %s_NEXT = %d;" % (name, n))
            print('    bytes constant %s_SIBLINGS = hex"%s";' % (name, b"".join(t2.siblings(i)).hex()))


if __name__ == "__main__":
    main()
