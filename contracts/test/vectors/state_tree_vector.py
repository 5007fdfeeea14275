#!/usr/bin/env python3
"""Independent (Python hashlib) model of the L2 state tree format of crates/primitives/src/tree.rs, used to make the
test vector in test/foundry/l1/unit/concrete/Exodus/StateTreeExodusVerifier.t.sol. Prints Solidity constants.

Tree: depth 64, Blake2s-256; leaf = blake2s(key || value || next as u64 LE); empty leaf = blake2s(72 zero bytes);
node = blake2s(left || right). Account key = blake2s(pad32(0x8003) || pad32(address)); account value =
blake2s(nonce u64 BE || balance u256 BE || code_hash). State commitment = blake2s(tree_root || next_free_index u64 BE
|| block_number u64 BE || block_hash || timestamp u64 BE)."""
import hashlib

def b2(*parts):
    h = hashlib.blake2s()
    for p in parts:
        h.update(p)
    return h.digest()

def pad32(addr_hex):
    return bytes(12) + bytes.fromhex(addr_hex)

def leaf_hash(key, value, nxt):
    return b2(key, value, nxt.to_bytes(8, "little"))

DEPTH = 64
ALICE = "328809bc894f92807417d2dad6b7c998c1afdac6"  # makeAddr("alice") in forge
KECCAK_EMPTY = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
nonce, balance = 3, 7 * 10**18
key = b2(pad32("0000000000000000000000000000000000008003"), pad32(ALICE))
value = b2(nonce.to_bytes(8, "big"), balance.to_bytes(32, "big"), KECCAK_EMPTY)
leaves = [
    leaf_hash(bytes(32), bytes(32), 2),        # lower guard -> alice
    leaf_hash(b"\xff" * 32, bytes(32), 0),     # upper guard
    leaf_hash(key, value, 1),                  # alice -> upper guard
]
empty = [b2(bytes(72))]
for d in range(DEPTH):
    empty.append(b2(empty[d], empty[d]))
index = 2
siblings = []
level = leaves
idx = index
for d in range(DEPTH):
    sib = idx ^ 1
    siblings.append(level[sib] if sib < len(level) else empty[d])
    nxt = []
    for i in range(0, max(len(level), 1), 2):
        l = level[i] if i < len(level) else empty[d]
        r = level[i + 1] if i + 1 < len(level) else empty[d]
        nxt.append(b2(l, r))
    level = nxt
    idx >>= 1
root = level[0]
next_free, block_number, block_hash, ts = 3, 42, b"\x11" * 32, 1_700_000_000
commitment = b2(root, next_free.to_bytes(8, "big"), block_number.to_bytes(8, "big"), block_hash, ts.to_bytes(8, "big"))
print("bytes32 constant ROOT = 0x%s;" % root.hex())
print("bytes32 constant COMMITMENT = 0x%s;" % commitment.hex())
print("bytes32 constant ACCOUNT_KEY = 0x%s;" % key.hex())
print('bytes constant SIBLINGS = hex"%s";' % b"".join(siblings).hex())
