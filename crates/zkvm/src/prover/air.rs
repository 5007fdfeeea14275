//! The AIRs of the zkVM and the buses that connect them.
//!
//! | AIR | rows | role |
//! |---|---|---|
//! | CPU | one per cycle | control flow, ALU, load/store, syscalls |
//! | ROM | one per code word (preprocessed) | the decoded program; the CPU looks up each row's instruction |
//! | bytes | 256 (preprocessed) | top bit, top 3 bits; powers of two for shifts |
//! | pairs | 65,536 (preprocessed) | range checks of two bytes; top bits of two bytes; address offset and page bits; AND/OR/XOR of two bytes |
//! | bitwise | one per executed AND/OR/XOR | looks each byte triple up in the pair table |
//! | mul | one per executed mul/mulh/mulhsu/mulhu/div/rem/shift | 64-bit byte convolution; shifts multiply by a power of two |
//! | boundary | one per touched address | initial and final value of every register and memory word |
//! | image | one per non-zero word of the initial state (preprocessed) | the initial memory the boundary must use |
//! | io | one per public output word (preprocessed) | the committed output |
//! | pages | one per data page, one more per writable page (preprocessed) | what loads and stores may touch |
//!
//! Buses (LogUp): `rom`, `mem` (offline memory checking: every access consumes the
//! previous `(addr, value, ts)` record and produces a new one with a larger timestamp),
//! `alu`, `byte`, `pair`, `pair_op`, `pow`, `page`, `image`, `final`, `io`. See
//! `docs/zkvm.md` for every constraint.

use core::borrow::Borrow;
use std::sync::Arc;

use p3_air::{Air, AirBuilder, BaseAir, WindowAccess};
use p3_baby_bear::BabyBear;
use p3_field::PrimeCharacteristicRing;
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::columns::{
    BITWISE_WIDTH, BOUNDARY_WIDTH, BitwiseCols, BoundaryCols, CPU_WIDTH, CpuCols, MUL_WIDTH,
    MulCols, ROM_MSG_WIDTH,
};

pub(crate) type Val = BabyBear;

/// Bus names.
pub(crate) const BUS_ROM: &str = "rom";
pub(crate) const BUS_MEM: &str = "mem";
pub(crate) const BUS_BYTE: &str = "byte";
/// `(op, a[4], b[4], r[4])`: multiply/shift/divide ops 1..=11 (the mul chip), AND/OR/XOR as
/// `ALU_BITWISE + OP_AND/OR/XOR` (the bitwise chip). One bus, so the CPU sends one message.
pub(crate) const BUS_ALU: &str = "alu";
pub(crate) const BUS_POW: &str = "pow";
pub(crate) const BUS_IMAGE: &str = "image";
pub(crate) const BUS_FINAL: &str = "final";
pub(crate) const BUS_IO: &str = "io";
pub(crate) const BUS_PAGE: &str = "page";
pub(crate) const BUS_PAIR: &str = "pair";
pub(crate) const BUS_PAIR_OP: &str = "pair_op";
/// `(chip, clk, ptr[4])`: a chip syscall, from the CPU to the chip's memory port.
pub(crate) const BUS_CHIP: &str = "chip";
/// `(input limbs, output limbs)` of a Keccak-f permutation (16-bit limbs), from the Keccak
/// memory port to the Keccak table.
pub(crate) const BUS_KECCAK: &str = "keccak";

/// Byte-table operations (first field of a `byte` message `(op, x, z)`): `z = x >> 7`,
/// `z = x >> 5`. (Plain byte range checks go to the pair table, two bytes at a time.)
pub(crate) const OP_MSB: u32 = 1;
pub(crate) const OP_TOP3: u32 = 2;
/// Byte-table main columns: one multiplicity per byte op (column `op - 1`) and one for `pow`.
pub(crate) const BYTES_WIDTH: usize = 3;
/// Pair-table operations (first field of a `pair_op` message `(op, x, y, z)`):
/// `z = (x >> 7) + 2 (y >> 7)` (two top bits), `z = (x & 3) + 4 (y >> 4)` (a load/store
/// address's offset in its word and the low 4 bits of its page, from its two low bytes), and
/// `z = x & y`, `x | y`, `x ^ y` (`PAIR_OP_BITWISE + OP_AND/OR/XOR`).
pub(crate) const PAIR_OP_MSB: u32 = 1;
pub(crate) const PAIR_OP_ADDR: u32 = 2;
pub(crate) const PAIR_OP_BITWISE: u32 = 2;
/// Pair-table main columns: multiplicities of the range check and of the five ops.
pub(crate) const PAIRS_WIDTH: usize = 6;
/// Rows of the pair table: every `(x, y)` of two bytes.
pub(crate) const PAIR_ROWS: usize = 1 << 16;
/// Bitwise operations.
pub(crate) const OP_AND: u32 = 1;
pub(crate) const OP_OR: u32 = 2;
pub(crate) const OP_XOR: u32 = 3;
/// `alu` op of a bitwise operation: `ALU_BITWISE + OP_AND/OR/XOR` (after the 11 mul-chip ops).
pub(crate) const ALU_BITWISE: u32 = 11;

/// Memory addresses of registers are `0..32`; memory word `w` (byte address `4w`) is `32 + w`.
pub(crate) const MEM_ADDR_OFFSET: u32 = 32;

/// CPU public values: `[start_pc, end_pc, halted, exit code bytes 0..3, out_start]`.
pub(crate) const CPU_PUBLIC_VALUES: usize = 8;
pub(crate) const PV_START_PC: usize = 0;
pub(crate) const PV_END_PC: usize = 1;
pub(crate) const PV_HALTED: usize = 2;
pub(crate) const PV_EXIT: usize = 3;
pub(crate) const PV_OUT_START: usize = 7;

/// Syscall numbers as little-endian bytes.
const fn le(x: u32) -> [u32; 4] {
    [x & 0xff, (x >> 8) & 0xff, (x >> 16) & 0xff, x >> 24]
}

/// Which table an AIR instance is.
#[derive(Clone, Debug)]
pub(crate) enum ZkvmAir {
    Cpu,
    Rom(Arc<RowMajorMatrix<Val>>),
    Bytes(Arc<RowMajorMatrix<Val>>),
    Bitwise,
    Mul,
    Boundary,
    Image(Arc<RowMajorMatrix<Val>>),
    Final(Arc<RowMajorMatrix<Val>>),
    Io(Arc<RowMajorMatrix<Val>>),
    /// `(page, writable)` rows: what loads and stores may touch.
    Pages(Arc<RowMajorMatrix<Val>>),
    /// `(x, y)` for every two bytes: range checks, two bytes per lookup.
    Pairs(Arc<RowMajorMatrix<Val>>),
    /// The Keccak chip's memory port (one row per call) and its Keccak-f table.
    KeccakPort,
    Keccak,
    /// The Blake2s chip (one row per compression, its memory port included).
    Blake2s,
    /// The secp256k1 addition and doubling chips (one row per call, port included).
    Secp256k1Add,
    Secp256k1Double,
}

impl ZkvmAir {
    /// The table's name in figures and errors.
    pub(crate) const fn name(&self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Rom(_) => "rom",
            Self::Bytes(_) => "bytes",
            Self::Bitwise => "bitwise",
            Self::Mul => "mul",
            Self::Boundary => "boundary",
            Self::Image(_) => "image",
            Self::Final(_) => "final",
            Self::Io(_) => "io",
            Self::Pages(_) => "pages",
            Self::Pairs(_) => "pairs",
            Self::KeccakPort => "keccak_port",
            Self::Keccak => "keccak",
            Self::Blake2s => "blake2s",
            Self::Secp256k1Add => "secp256k1_add",
            Self::Secp256k1Double => "secp256k1_double",
        }
    }

    /// The table's preprocessed rows (none for the tables the prover fills).
    pub(crate) fn preprocessed(&self) -> Option<&RowMajorMatrix<Val>> {
        match self {
            Self::Rom(m)
            | Self::Bytes(m)
            | Self::Image(m)
            | Self::Final(m)
            | Self::Io(m)
            | Self::Pages(m)
            | Self::Pairs(m) => Some(m),
            Self::Cpu
            | Self::Boundary
            | Self::Bitwise
            | Self::Mul
            | Self::KeccakPort
            | Self::Keccak
            | Self::Blake2s
            | Self::Secp256k1Add
            | Self::Secp256k1Double => None,
        }
    }
}

impl BaseAir<Val> for ZkvmAir {
    fn width(&self) -> usize {
        match self {
            Self::Cpu => CPU_WIDTH,
            Self::Rom(_) | Self::Image(_) | Self::Final(_) | Self::Io(_) | Self::Pages(_) => 1,
            Self::Pairs(_) => PAIRS_WIDTH,
            Self::Bytes(_) => BYTES_WIDTH,
            Self::Bitwise => BITWISE_WIDTH,
            Self::Mul => MUL_WIDTH,
            Self::Boundary => BOUNDARY_WIDTH,
            Self::KeccakPort => super::chips::KECCAK_PORT_WIDTH,
            Self::Keccak => super::chips::KECCAK_WIDTH,
            Self::Blake2s => super::blake2s::BLAKE2S_WIDTH,
            Self::Secp256k1Add => super::secp256k1::ADD_WIDTH,
            Self::Secp256k1Double => super::secp256k1::DOUBLE_WIDTH,
        }
    }

    fn num_public_values(&self) -> usize {
        match self {
            Self::Cpu => CPU_PUBLIC_VALUES,
            Self::Boundary => 1,
            _ => 0,
        }
    }

    fn preprocessed_trace(&self) -> Option<RowMajorMatrix<Val>> {
        self.preprocessed().cloned()
    }

    fn preprocessed_width(&self) -> usize {
        match self {
            Self::Rom(_) => ROM_MSG_WIDTH,
            Self::Bytes(_) => 12,
            Self::Image(_) | Self::Final(_) | Self::Io(_) => 6,
            Self::Pages(_) => 2,
            Self::Pairs(_) => 7,
            Self::Cpu
            | Self::Boundary
            | Self::Bitwise
            | Self::Mul
            | Self::KeccakPort
            | Self::Keccak
            | Self::Blake2s
            | Self::Secp256k1Add
            | Self::Secp256k1Double => 0,
        }
    }

    fn preprocessed_next_row_columns(&self) -> Vec<usize> {
        Vec::new()
    }

    /// The Keccak port's and the secp256k1 chips' own constraints have degree 2; declaring 3 (the other tables' degree)
    /// lets `p3-batch-stark` fold its many same-bus lookups two per LogUp column, which halves
    /// that table's LogUp trace for one more quotient chunk.
    fn max_constraint_degree(&self) -> Option<usize> {
        matches!(
            self,
            Self::KeccakPort | Self::Secp256k1Add | Self::Secp256k1Double
        )
        .then_some(3)
    }
}

impl<AB: InteractionBuilder<F = Val>> Air<AB> for ZkvmAir {
    fn eval(&self, builder: &mut AB) {
        match self {
            Self::Cpu => eval_cpu(builder),
            Self::Rom(_) => eval_rom(builder),
            Self::Bytes(_) => eval_bytes(builder),
            Self::Bitwise => eval_bitwise(builder),
            Self::Mul => eval_mul(builder),
            Self::Boundary => eval_boundary(builder),
            Self::Image(_) => eval_image(builder),
            Self::Final(_) => eval_final(builder),
            Self::Io(_) => eval_io(builder),
            Self::Pages(_) => eval_pages(builder),
            Self::Pairs(_) => eval_pairs(builder),
            Self::KeccakPort => super::chips::eval_keccak_port(builder),
            Self::Keccak => super::chips::eval_keccak(builder),
            Self::Blake2s => super::blake2s::eval_blake2s(builder),
            Self::Secp256k1Add => super::secp256k1::eval_add(builder),
            Self::Secp256k1Double => super::secp256k1::eval_double(builder),
        }
    }
}

fn c<AB: AirBuilder>(x: u32) -> AB::Expr {
    AB::Expr::from_u32(x)
}

/// Little-endian combination of bytes with weights 1, 256, 65536, ...
fn bytes_value<AB: AirBuilder>(bytes: &[AB::Var]) -> AB::Expr {
    let mut acc = AB::Expr::ZERO;
    let mut w = 1u32;
    for &b in bytes {
        acc += b * AB::F::from_u32(w);
        w = w.wrapping_mul(256);
    }
    acc
}

/// `(op, x, z)` in the byte table.
fn byte_lookup<AB: InteractionBuilder>(
    builder: &mut AB,
    op: u32,
    x: AB::Expr,
    z: AB::Expr,
    count: AB::Expr,
) {
    builder.push_interaction(BUS_BYTE, [c::<AB>(op), x, z], Count::bounded(count, 1));
}

/// `(x, y)` in the pair table: both are bytes.
fn pair_lookup<AB: InteractionBuilder>(
    builder: &mut AB,
    x: AB::Expr,
    y: AB::Expr,
    count: AB::Expr,
) {
    builder.push_interaction(BUS_PAIR, [x, y], Count::bounded(count, 1));
}

/// Range-checks `bytes` two at a time (an odd count is not expected: callers pair them up).
fn bytes_lookup<AB: InteractionBuilder>(builder: &mut AB, bytes: &[AB::Var], count: &AB::Expr) {
    debug_assert!(bytes.len() % 2 == 0);
    for p in bytes.chunks_exact(2) {
        pair_lookup(builder, p[0].into(), p[1].into(), count.clone());
    }
}

#[allow(clippy::too_many_lines)]
fn eval_cpu<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let pv: Vec<AB::Expr> = builder.public_values().iter().map(|&v| v.into()).collect();
    let loc: &CpuCols<AB::Var> = main.current_slice().borrow();
    let nxt: &CpuCols<AB::Var> = main.next_slice().borrow();
    let f = &loc.rom.f;
    let r = loc.is_real;
    let one = AB::Expr::ONE;

    // ---- Program ROM lookup: (bits, pc, rd, rs1, rs2, imm, link, target, mop), where `bits` packs
    // the flags, rd_nz and valid = is_real; each of them is boolean, so the packing is injective.
    builder.assert_bool(r);
    builder.assert_eq(loc.rom.valid, r);
    let flags = loc.rom.flags();
    builder.assert_bools(*flags);
    builder.assert_bool(loc.rom.rd_nz);
    let mut msg = loc.rom.message::<AB::Expr>(|bits| {
        bits.fold(AB::Expr::ZERO, |acc, (i, v)| {
            acc + v * AB::F::from_u32(1 << i)
        })
    });
    // Padding rows (no ROM lookup) have no flag set: the bits are booleans with distinct powers of
    // two below p, so their sum is 0 only when each is. No ecall flag means no syscall flag (below).
    let bits = core::mem::replace(&mut msg[0], AB::Expr::ZERO);
    builder.assert_zero((one.clone() - r) * bits.clone());
    msg[0] = bits;
    builder.push_interaction(BUS_ROM, msg, Count::bounded(r.into(), 1));

    // ---- Flag groups.
    let loads = f.lb + f.lbu + f.lh + f.lhu + f.lw;
    let stores = f.sb + f.sh + f.sw;
    builder.assert_eq(loc.is_mem, loads.clone() + stores.clone());
    let is_mem: AB::Expr = loc.is_mem.into();
    let branches = f.beq + f.bne + f.blt + f.bge + f.bltu + f.bgeu;
    let add_sel = f.add + f.jal + f.jalr + is_mem.clone();
    let sub_sel = f.sub + f.slt + f.sltu + branches.clone();
    let signed_cmp = f.slt + f.blt + f.bge;
    let unsigned_cmp = f.sltu + f.bltu + f.bgeu;

    // ---- Operand b = imm + rs2 (imm alone for stores, whose rs2 is the data).
    for i in 0..4 {
        builder.assert_eq(
            loc.b[i],
            loc.rom.imm[i] + loc.rs2v[i] - stores.clone() * loc.rs2v[i],
        );
    }

    // ---- Adder: add_sel: rs1 + b = res + 2^32 carry; sub_sel: res + b = rs1 + 2^32 borrow.
    builder.assert_bools(loc.carry);
    for i in 0..4 {
        let cin: AB::Expr = if i == 0 {
            AB::Expr::ZERO
        } else {
            loc.carry[i - 1].into()
        };
        let cout = loc.carry[i] * AB::F::from_u32(256);
        builder.assert_zero(
            add_sel.clone() * (loc.rs1v[i] + loc.b[i] + cin.clone() - loc.res[i] - cout.clone()),
        );
        builder.assert_zero(sub_sel.clone() * (loc.res[i] + loc.b[i] + cin - loc.rs1v[i] - cout));
    }
    // res is always a word of bytes.
    bytes_lookup(builder, &loc.res, &r.into());

    // ---- Bitwise and multiply/shift/divide: (op, rs1, b, res) on the alu bus, to the bitwise
    // chip (op = ALU_BITWISE + AND/OR/XOR) or the multiply chip (op = mop, 1..=11; mop is 0 on
    // every other ROM entry).
    let alu_op = loc.rom.mop
        + f.and * AB::F::from_u32(ALU_BITWISE + OP_AND)
        + f.or * AB::F::from_u32(ALU_BITWISE + OP_OR)
        + f.xor * AB::F::from_u32(ALU_BITWISE + OP_XOR);
    let alu_sel = f.and + f.or + f.xor + f.mul;
    let mut msg = vec![alu_op];
    msg.extend(
        loc.rs1v
            .iter()
            .chain(&loc.b)
            .chain(&loc.res)
            .map(|&v| v.into()),
    );
    builder.push_interaction(BUS_ALU, msg, Count::bounded(alu_sel, 1));

    // ---- Top bits: msb_s[k] = msb_x[k] >> 7, both in one pair-table lookup (the bits are
    // boolean, so `s0 + 2 s1` splits one way only). Narrow signed loads use msb_x[0] only.
    let narrow_signed = f.lb + f.lh;
    builder.assert_bools(loc.msb_s);
    builder.push_interaction(
        BUS_PAIR_OP,
        [
            c::<AB>(PAIR_OP_MSB),
            loc.msb_x[0].into(),
            loc.msb_x[1].into(),
            loc.msb_s[0] + loc.msb_s[1] * AB::F::TWO,
        ],
        Count::bounded(signed_cmp.clone() + narrow_signed.clone(), 1),
    );
    builder.assert_zero(signed_cmp.clone() * (loc.msb_x[0] - loc.rs1v[3]));
    builder.assert_zero(signed_cmp.clone() * (loc.msb_x[1] - loc.b[3]));
    builder.assert_zero(f.lb * (loc.msb_x[0] - loc.sb0));
    builder.assert_zero(f.lh * (loc.msb_x[0] - loc.sb1));

    // ---- Compare. lt = borrow (unsigned) or the signed rule.
    let borrow = loc.carry[3];
    builder.assert_eq(
        loc.sx,
        loc.msb_s[0] + loc.msb_s[1] - loc.msb_s[0] * loc.msb_s[1] * AB::F::TWO,
    );
    builder.assert_zero(unsigned_cmp * (loc.lt - borrow));
    builder.assert_zero(signed_cmp * (loc.lt - borrow - loc.sx * (loc.msb_s[0] - borrow)));
    // eq = (res == 0) for beq/bne, res being rs1 - rs2.
    let eq_sel = f.beq + f.bne;
    let res_sum = loc.res[0] + loc.res[1] + loc.res[2] + loc.res[3];
    builder.assert_zero(eq_sel.clone() * loc.eq * res_sum.clone());
    builder.assert_zero(eq_sel * (one.clone() - loc.eq - res_sum * loc.eq_inv));
    builder.assert_eq(
        loc.taken,
        f.beq * loc.eq
            + f.bne * (one.clone() - loc.eq)
            + (f.blt + f.bltu) * loc.lt
            + (f.bge + f.bgeu) * (one.clone() - loc.lt),
    );

    // ---- Next pc.
    builder.assert_bool(loc.jalr_bit0);
    let pc4 = loc.rom.pc + AB::F::from_u32(4);
    let jalr_target = bytes_value::<AB>(&loc.res) - loc.jalr_bit0;
    builder.assert_eq(
        loc.npc,
        pc4.clone()
            + f.jal * (loc.rom.target - pc4.clone())
            + f.jalr * (jalr_target - pc4.clone())
            + loc.taken * (loc.rom.target - pc4),
    );

    // ---- Syscalls: a7 selects halt / read (input or hint) / commit / hint request / a chip.
    builder.assert_bools([loc.f_halt, loc.f_read, loc.f_commit, loc.f_hint]);
    builder.assert_bools(loc.f_chip);
    let chip_sum: AB::Expr = loc.f_chip.iter().map(|&x| x.into()).sum();
    builder.assert_eq(
        loc.f_halt + loc.f_read + loc.f_commit + loc.f_hint + chip_sum.clone(),
        f.ecall,
    );
    // `f_read` is READ_WORD (0x100) or HINT_WORD (0x102): bytes (0 or 2, 1, 0, 0). Both give a0
    // a word of the prover's choosing; which one the guest meant is the executor's business.
    const { assert!(crate::syscall::READ_WORD == 0x100 && crate::syscall::HINT_WORD == 0x102) };
    builder.assert_zero(loc.f_read * loc.rs1v[0] * (loc.rs1v[0] - AB::F::TWO));
    for (i, byte) in [(1, 1), (2, 0), (3, 0)] {
        builder.assert_zero(loc.f_read * (loc.rs1v[i] - AB::F::from_u32(byte)));
    }
    let chip_flags = super::chips::CHIPS
        .iter()
        .zip(loc.f_chip)
        .map(|(chip, flag)| (flag, chip.syscall()));
    for (flag, num) in [
        (loc.f_halt, crate::syscall::HALT),
        (loc.f_commit, crate::syscall::COMMIT_WORD),
        (loc.f_hint, crate::syscall::HINT_REQUEST),
    ]
    .into_iter()
    .chain(chip_flags)
    {
        for (i, byte) in le(num).into_iter().enumerate() {
            builder.assert_zero(flag * (loc.rs1v[i] - AB::F::from_u32(byte)));
        }
    }
    // Exit code = a0 at the halt.
    for i in 0..4 {
        builder.assert_zero(loc.f_halt * (loc.rs2v[i] - pv[PV_EXIT + i].clone()));
    }
    builder.push_interaction(
        BUS_IO,
        [
            loc.out_idx.into(),
            loc.rs2v[0].into(),
            loc.rs2v[1].into(),
            loc.rs2v[2].into(),
            loc.rs2v[3].into(),
        ],
        Count::bounded(loc.f_commit.into(), 1),
    );

    // A chip syscall hands (chip, clk, a0) to its chip's memory port, which reads and writes the
    // block at a0 in this cycle's data-access slot.
    let chip_id: AB::Expr = super::chips::CHIPS
        .iter()
        .zip(loc.f_chip)
        .map(|(chip, flag)| flag * AB::F::from_u32(chip.id()))
        .sum();
    builder.push_interaction(
        BUS_CHIP,
        [
            chip_id,
            loc.clk.into(),
            loc.rs2v[0].into(),
            loc.rs2v[1].into(),
            loc.rs2v[2].into(),
            loc.rs2v[3].into(),
        ],
        Count::bounded(chip_sum.clone(), 1),
    );

    // ---- Loads and stores.
    builder.assert_bools(loc.off);
    builder.assert_eq(
        loc.off[0] + loc.off[1] + loc.off[2] + loc.off[3],
        is_mem.clone(),
    );
    let off_val = loc.off[1] + loc.off[2] * AB::F::TWO + loc.off[3] * AB::F::from_u32(3);
    // (res0 & 3, res1 >> 4) = (off, page_lo) in one pair-table lookup: off is in 0..4 (one-hot
    // columns), so a wrong off leaves page_lo a non-integer field element, far above any page.
    builder.push_interaction(
        BUS_PAIR_OP,
        [
            c::<AB>(PAIR_OP_ADDR),
            loc.res[0].into(),
            loc.res[1].into(),
            off_val.clone() + loc.page_lo * AB::F::from_u32(4),
        ],
        Count::bounded(is_mem.clone(), 1),
    );
    // Data addresses and jalr targets stay below 2^29: res3 >> 5 = 0.
    byte_lookup(
        builder,
        OP_TOP3,
        loc.res[3].into(),
        AB::Expr::ZERO,
        is_mem.clone() + f.jalr,
    );
    // The page (address >> 12) must be a data page, and a writable one for stores: a `(page, is_store)`
    // row of the page table, built from the ELF by the verifier.
    let page = loc.page_lo + loc.res[2] * AB::F::from_u32(16) + loc.res[3] * AB::F::from_u32(4096);
    builder.push_interaction(
        BUS_PAGE,
        [page, stores.clone()],
        Count::bounded(is_mem.clone(), 1),
    );
    builder.assert_zero((f.lw + f.sw) * (loc.off[1] + loc.off[2] + loc.off[3]));
    builder.assert_zero((f.lh + f.lhu + f.sh) * (loc.off[1] + loc.off[3]));
    for i in 0..4 {
        builder.assert_zero(loads.clone() * (loc.mem_new[i] - loc.mem_old[i]));
        builder.assert_zero(f.sw * (loc.mem_new[i] - loc.rs2v[i]));
        builder.assert_zero(
            f.sb * (loc.mem_new[i]
                - loc.off[i] * loc.rs2v[0]
                - (one.clone() - loc.off[i]) * loc.mem_old[i]),
        );
        let (sel, src) = if i < 2 {
            (loc.off[0], loc.rs2v[i])
        } else {
            (loc.off[2], loc.rs2v[i - 2])
        };
        builder.assert_zero(
            f.sh * (loc.mem_new[i] - sel * src - (one.clone() - sel) * loc.mem_old[i]),
        );
    }
    let byte_sel = loc.off[0] * loc.mem_old[0]
        + loc.off[1] * loc.mem_old[1]
        + loc.off[2] * loc.mem_old[2]
        + loc.off[3] * loc.mem_old[3];
    builder.assert_zero((f.lb + f.lbu) * (loc.sb0 - byte_sel));
    let half = f.lh + f.lhu;
    builder.assert_zero(
        half.clone() * (loc.sb0 - loc.off[0] * loc.mem_old[0] - loc.off[2] * loc.mem_old[2]),
    );
    builder.assert_zero(
        half.clone() * (loc.sb1 - loc.off[0] * loc.mem_old[1] - loc.off[2] * loc.mem_old[3]),
    );

    // ---- Value written to rd.
    let res_sel = f.add + f.sub + f.and + f.or + f.xor + f.jal + f.mul + loc.f_read;
    let keep = loc.f_halt + loc.f_commit + loc.f_hint + chip_sum;
    let ext = loc.msb_s[0] * AB::F::from_u32(255);
    for i in 0..4 {
        let mut v = res_sel.clone() * loc.res[i]
            + f.jalr * loc.rom.link[i]
            + f.lw * loc.mem_old[i]
            + keep.clone() * loc.rd_prev[i];
        v += match i {
            0 => (f.slt + f.sltu) * loc.lt + (f.lb + f.lbu + f.lh + f.lhu) * loc.sb0,
            1 => half.clone() * loc.sb1 + f.lb * ext.clone(),
            _ => narrow_signed.clone() * ext.clone(),
        };
        builder.assert_eq(loc.rd_val[i], loc.rom.rd_nz * v);
    }

    // ---- Memory bus: 4 accesses per cycle at ts = 4 clk + k + 1.
    let ts_base = loc.clk * AB::F::from_u32(4);
    // 1/4 as two halvings of one, not an inversion on every evaluation of the AIR.
    let mem_word = (loc.res[0] - off_val) * AB::F::ONE.halve().halve()
        + loc.res[1] * AB::F::from_u32(1 << 6)
        + loc.res[2] * AB::F::from_u32(1 << 14)
        + loc.res[3] * AB::F::from_u32(1 << 22)
        + AB::F::from_u32(MEM_ADDR_OFFSET);
    builder.assert_eq(loc.maddr, mem_word);
    #[allow(clippy::type_complexity)]
    let accesses: [(AB::Expr, [AB::Var; 4], [AB::Var; 4], AB::Expr); 4] = [
        (loc.rom.rs1.into(), loc.rs1v, loc.rs1v, r.into()),
        (loc.rom.rs2.into(), loc.rs2v, loc.rs2v, r.into()),
        (loc.maddr.into(), loc.mem_old, loc.mem_new, is_mem),
        (loc.rom.rd.into(), loc.rd_prev, loc.rd_val, r.into()),
    ];
    for (k, (addr, old, new, count)) in accesses.into_iter().enumerate() {
        let ts = ts_base.clone() + AB::F::from_u32(k as u32 + 1);
        let gap = bytes_value::<AB>(&loc.ts_gap[k]);
        builder.assert_eq(loc.prev_ts[k], ts.clone() - gap - AB::F::ONE);
        let prev_ts: AB::Expr = loc.prev_ts[k].into();
        let msg = |v: [AB::Var; 4], t: AB::Expr| -> Vec<AB::Expr> {
            vec![
                addr.clone(),
                v[0].into(),
                v[1].into(),
                v[2].into(),
                v[3].into(),
                t,
            ]
        };
        builder.push_interaction(
            BUS_MEM,
            msg(old, prev_ts),
            Count::bounded(-count.clone(), 1),
        );
        builder.push_interaction(BUS_MEM, msg(new, ts), Count::bounded(count, 1));
    }
    let gaps: Vec<AB::Var> = loc.ts_gap.iter().flatten().copied().collect();
    bytes_lookup(builder, &gaps, &r.into());

    // ---- Row sequencing. Real rows are a prefix starting at `start_pc`; `last` marks the last
    // real row. A halting segment (`halted = 1`) ends with the halt; any other segment has no
    // halt and ends with `npc = end_pc`, where the next segment starts.
    let halted = pv[PV_HALTED].clone();
    let mut first = builder.when_first_row();
    first.assert_one(r);
    first.assert_zero(loc.clk);
    first.assert_eq(loc.out_idx, pv[PV_OUT_START].clone());
    first.assert_eq(loc.rom.pc, pv[PV_START_PC].clone());
    builder.assert_bool(halted.clone());
    let mut tr = builder.when_transition();
    tr.assert_eq(nxt.clk, loc.clk + AB::F::ONE);
    tr.assert_eq(nxt.out_idx, loc.out_idx + loc.f_commit);
    tr.assert_zero((one.clone() - r) * nxt.is_real);
    tr.assert_eq(loc.last, r * (one.clone() - nxt.is_real));
    tr.assert_zero(loc.f_halt * nxt.is_real);
    tr.assert_zero(nxt.is_real * (nxt.rom.pc - loc.npc));
    builder.when_last_row().assert_eq(loc.last, r);
    builder.assert_zero(halted.clone() * loc.last * (one.clone() - loc.f_halt));
    builder.assert_zero((one.clone() - halted.clone()) * loc.f_halt);
    builder.assert_zero((one - halted) * loc.last * (loc.npc - pv[PV_END_PC].clone()));
}

fn eval_rom<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let mult = builder.main().current_slice()[0];
    let entry: Vec<AB::Expr> = prep.current_slice().iter().map(|&v| v.into()).collect();
    builder.push_interaction(BUS_ROM, entry, Count::provided(-mult.into()));
}

fn eval_bytes<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let m = builder.main().current_slice().to_vec();
    // Columns: x, x >> 7, x >> 5 | pow.
    for op in [OP_MSB, OP_TOP3] {
        let i = op as usize;
        builder.push_interaction(
            BUS_BYTE,
            [c::<AB>(op), p[0].into(), p[i].into()],
            Count::provided(-m[i - 1].into()),
        );
    }
    // Columns 3..12: 2^s bytes, 2^(32-s) bytes (0 when s = 0), s == 0, for s = x & 31.
    let mut msg = vec![p[0].into()];
    msg.extend(p[3..12].iter().map(|&v| v.into()));
    builder.push_interaction(BUS_POW, msg, Count::provided(-m[2].into()));
}

#[allow(clippy::too_many_lines)]
fn eval_mul<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let loc: &MulCols<AB::Var> = main.current_slice().borrow();
    let [
        mul,
        mulh,
        mulhsu,
        mulhu,
        sll,
        srl,
        sra,
        divu,
        remu,
        div,
        rem,
    ] = loc.op;
    let one = AB::Expr::ONE;
    builder.assert_bools(loc.op);
    let mut is_real = AB::Expr::ZERO;
    let mut op_id = AB::Expr::ZERO;
    for (k, &o) in loc.op.iter().enumerate() {
        is_real += o.into();
        op_id += o * AB::F::from_usize(k + 1);
    }
    builder.assert_bool(is_real.clone());
    let mut msg = vec![op_id];
    msg.extend(
        loc.a
            .iter()
            .chain(&loc.b)
            .chain(&loc.res)
            .map(|&v| v.into()),
    );
    builder.push_interaction(BUS_ALU, msg, Count::bounded(-is_real.clone(), 1));

    // Factors and addend.
    let mul_ops = mul + mulh + mulhsu + mulhu;
    let right = srl + sra;
    let shifts = sll + srl + sra;
    let sdv = div + rem;
    let dv = divu + remu + sdv.clone();
    for i in 0..4 {
        builder.assert_zero((mul_ops.clone() + shifts.clone()) * (loc.x[i] - loc.a[i]));
        builder.assert_eq(
            loc.m[i],
            (mul_ops.clone() + dv.clone()) * loc.b[i] + sll * loc.pl[i] + right.clone() * loc.pr[i],
        );
        builder.assert_zero((one.clone() - dv.clone()) * loc.add[i]);
    }
    let mut pow = vec![loc.b[0].into()];
    pow.extend(loc.pl.iter().chain(&loc.pr).map(|&v| v.into()));
    pow.push(loc.zero.into());
    builder.push_interaction(BUS_POW, pow, Count::bounded(shifts, 1));

    // Signs: x is signed for mulh/mulhsu/sra/div/rem, m for mulh/div/rem; r and a for div/rem.
    let x_signed = mulh + mulhsu + sra + sdv.clone();
    byte_lookup(builder, OP_MSB, loc.x[3].into(), loc.sa.into(), x_signed);
    byte_lookup(
        builder,
        OP_MSB,
        loc.m[3].into(),
        loc.sm.into(),
        mulh + sdv.clone(),
    );
    byte_lookup(
        builder,
        OP_MSB,
        loc.add[3].into(),
        loc.sr.into(),
        sdv.clone(),
    );
    byte_lookup(
        builder,
        OP_MSB,
        loc.a[3].into(),
        loc.s_a.into(),
        sdv.clone(),
    );
    builder.assert_zero((mul + mulhu + sll + srl + divu + remu) * loc.sa);
    builder.assert_zero((one.clone() - mulh - sdv.clone()) * loc.sm);
    builder.assert_zero((one.clone() - sdv.clone()) * loc.sr);
    builder.assert_zero((one.clone() - sdv.clone()) * loc.s_a);

    // p = x * m + add over 64 bits (operands sign-extended), byte by byte.
    let ext_x = loc.sa * AB::F::from_u32(255);
    let ext_m = loc.sm * AB::F::from_u32(255);
    let ext_add = loc.sr * AB::F::from_u32(255);
    let limb = |v: &[AB::Var; 4], ext: &AB::Expr, i: usize| -> AB::Expr {
        if i < 4 { v[i].into() } else { ext.clone() }
    };
    let carry = |k: usize| loc.carry[k][0] + loc.carry[k][1] * AB::F::from_u32(256);
    for k in 0..8 {
        let mut sum = if k == 0 { AB::Expr::ZERO } else { carry(k - 1) };
        sum += limb(&loc.add, &ext_add, k);
        for i in 0..=k {
            sum += limb(&loc.x, &ext_x, i) * limb(&loc.m, &ext_m, k - i);
        }
        builder.assert_eq(sum, loc.p[k] + carry(k) * AB::F::from_u32(256));
    }
    // The product bytes and both bytes of every carry.
    bytes_lookup(builder, &loc.p, &is_real);
    let carries: Vec<AB::Var> = loc.carry.iter().flatten().copied().collect();
    bytes_lookup(builder, &carries, &is_real);

    // Divisions: q * b + r = a exactly over 64 bits (a sign-extended for div/rem; for
    // -2^31 / -1 the product is +2^31, so the high word is 0); b = 0 gives q = 2^32 - 1 (and
    // r = a from the equation); otherwise |r| + 1 + d = |b| without overflow: |r| < |b|.
    builder.assert_bool(loc.ovf);
    builder.assert_zero((one.clone() - sdv.clone()) * loc.ovf);
    for i in 0..4 {
        builder.assert_zero(dv.clone() * (loc.p[i] - loc.a[i]));
        let hi = loc.s_a * (one.clone() - loc.ovf) * AB::F::from_u32(255);
        builder.assert_zero(dv.clone() * (loc.p[4 + i] - hi));
        let min = if i == 3 { 0x80 } else { 0 };
        builder.assert_zero(loc.ovf * (loc.a[i] - AB::F::from_u32(min)));
        builder.assert_zero(loc.ovf * (loc.b[i] - AB::F::from_u32(255)));
    }
    for v in [&loc.x, &loc.add, &loc.d, &loc.nr, &loc.nb] {
        bytes_lookup(builder, v, &dv);
    }
    // |r| and |b|: r and b when non-negative, else their 32-bit negation (the sum is 2^32).
    builder.assert_bools([loc.sr, loc.s_a]);
    builder.assert_bools(loc.cr);
    builder.assert_bools(loc.cb);
    for (neg, src, cs, sign) in [
        (&loc.nr, &loc.add, &loc.cr, loc.sr),
        (&loc.nb, &loc.b, &loc.cb, loc.sm),
    ] {
        for i in 0..4 {
            builder.assert_zero((one.clone() - sign) * (neg[i] - src[i]));
            let cin: AB::Expr = if i == 0 {
                AB::Expr::ZERO
            } else {
                cs[i - 1].into()
            };
            builder.assert_zero(sign * (neg[i] + src[i] + cin - cs[i] * AB::F::from_u32(256)));
        }
        builder.assert_zero(sign * (one.clone() - cs[3]));
    }
    // The remainder has the sign of a (or is 0).
    let rsum = loc.add[0] + loc.add[1] + loc.add[2] + loc.add[3];
    builder.assert_zero(loc.sr * (one.clone() - loc.s_a));
    builder.assert_zero(loc.s_a * (one.clone() - loc.sr) * rsum);
    let bsum = loc.b[0] + loc.b[1] + loc.b[2] + loc.b[3];
    builder.assert_bool(loc.bzero);
    builder.assert_zero(dv.clone() * loc.bzero * bsum.clone());
    builder.assert_zero(dv.clone() * (one.clone() - loc.bzero - bsum * loc.binv));
    builder.assert_bools(loc.dc);
    let nz = dv.clone() * (one.clone() - loc.bzero);
    for i in 0..4 {
        builder.assert_zero(dv.clone() * loc.bzero * (loc.x[i] - AB::F::from_u32(255)));
        let cin: AB::Expr = if i == 0 {
            one.clone()
        } else {
            loc.dc[i - 1].into()
        };
        builder.assert_zero(
            nz.clone()
                * (loc.nr[i] + loc.d[i] + cin - loc.nb[i] - loc.dc[i] * AB::F::from_u32(256)),
        );
    }
    builder.assert_zero(nz * loc.dc[3]);

    // Result: low word (mul, sll), high word (mulh*, srl/sra; a itself for a shift by 0),
    // the quotient (divu) or the remainder (remu).
    let low = mul + sll;
    let high = mulh + mulhsu + mulhu;
    for i in 0..4 {
        builder.assert_eq(
            loc.res[i],
            low.clone() * loc.p[i]
                + high.clone() * loc.p[4 + i]
                + right.clone() * (loc.p[4 + i] + loc.zero * (loc.a[i] - loc.p[4 + i]))
                + (divu + div) * loc.x[i]
                + (remu + rem) * loc.add[i],
        );
    }
}

fn eval_bitwise<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let loc: &BitwiseCols<AB::Var> = main.current_slice().borrow();
    builder.assert_bools([loc.and, loc.or, loc.xor]);
    let is_real = loc.and + loc.or + loc.xor;
    builder.assert_bool(is_real.clone());
    let op = loc.and * AB::F::from_u32(OP_AND)
        + loc.or * AB::F::from_u32(OP_OR)
        + loc.xor * AB::F::from_u32(OP_XOR);
    let mut msg = vec![op.clone() + is_real.clone() * AB::F::from_u32(ALU_BITWISE)];
    msg.extend(loc.a.iter().chain(&loc.b).chain(&loc.r).map(|&v| v.into()));
    builder.push_interaction(BUS_ALU, msg, Count::bounded(-is_real.clone(), 1));
    // Each byte triple is a row of the pair table (so the operands are bytes, and so is the result).
    let pair_op = op + is_real.clone() * AB::F::from_u32(PAIR_OP_BITWISE);
    for i in 0..4 {
        builder.push_interaction(
            BUS_PAIR_OP,
            [
                pair_op.clone(),
                loc.a[i].into(),
                loc.b[i].into(),
                loc.r[i].into(),
            ],
            Count::bounded(is_real.clone(), 1),
        );
    }
}

fn eval_boundary<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let main = builder.main();
    let pv_halted: AB::Expr = builder.public_values()[0].into();
    let loc: &BoundaryCols<AB::Var> = main.current_slice().borrow();
    let nxt: &BoundaryCols<AB::Var> = main.next_slice().borrow();
    let one = AB::Expr::ONE;
    builder.assert_bool(loc.is_real);
    builder.assert_bool(loc.in_image);
    builder.assert_zero(loc.in_image * (one.clone() - loc.is_real));
    for i in 0..4 {
        builder.assert_zero((one.clone() - loc.in_image) * loc.init[i]);
    }
    let rec = |v: [AB::Var; 4], ts: AB::Expr| -> Vec<AB::Expr> {
        vec![
            loc.addr.into(),
            v[0].into(),
            v[1].into(),
            v[2].into(),
            v[3].into(),
            ts,
        ]
    };
    builder.push_interaction(
        BUS_MEM,
        rec(loc.init, AB::Expr::ZERO),
        Count::bounded(loc.is_real.into(), 1),
    );
    builder.push_interaction(
        BUS_MEM,
        rec(loc.fin, loc.fin_ts.into()),
        Count::bounded(-loc.is_real.into(), 1),
    );
    builder.push_interaction(
        BUS_IMAGE,
        [
            loc.addr.into(),
            loc.init[0].into(),
            loc.init[1].into(),
            loc.init[2].into(),
            loc.init[3].into(),
        ],
        Count::bounded(-loc.in_image.into(), 1),
    );
    // Strictly increasing addresses below 2^29: addr = bytes(ab) with ab3 >> 5 = 0, and
    // next.addr = addr + 1 + gap with gap < 2^29, so addr + 1 + gap < 2^30 < p never wraps.
    let low = [
        loc.gap[0], loc.gap[1], loc.gap[2], loc.ab[0], loc.ab[1], loc.ab[2],
    ];
    bytes_lookup(builder, &low, &loc.is_real.into());
    byte_lookup(
        builder,
        OP_TOP3,
        loc.gap[3].into(),
        AB::Expr::ZERO,
        loc.is_real.into(),
    );
    // Every non-zero final word is published to the final-state table (`fnz = [fin != 0]`).
    let fsum = loc.fin[0] + loc.fin[1] + loc.fin[2] + loc.fin[3];
    builder.assert_zero(fsum.clone() * (one.clone() - loc.fnz));
    builder.assert_eq(loc.fnz, fsum * loc.finv);
    // Only a real row publishes: a padding row's free values must not add a word to the final state.
    builder.assert_zero(loc.fnz * (one.clone() - loc.is_real));
    builder.push_interaction(
        BUS_FINAL,
        [
            loc.addr.into(),
            loc.fin[0].into(),
            loc.fin[1].into(),
            loc.fin[2].into(),
            loc.fin[3].into(),
        ],
        // Only segments that stop without halting publish their final state.
        Count::bounded(loc.fnz * (one.clone() - pv_halted.clone()), 1),
    );
    builder.assert_eq(loc.addr, bytes_value::<AB>(&loc.ab));
    byte_lookup(
        builder,
        OP_TOP3,
        loc.ab[3].into(),
        AB::Expr::ZERO,
        loc.is_real.into(),
    );
    let mut tr = builder.when_transition();
    tr.assert_zero((one - loc.is_real) * nxt.is_real);
    tr.assert_zero(nxt.is_real * (nxt.addr - loc.addr - AB::F::ONE - bytes_value::<AB>(&loc.gap)));
}

fn eval_image<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let dummy = builder.main().current_slice()[0];
    builder.assert_zero(dummy);
    builder.push_interaction(
        BUS_IMAGE,
        [
            p[1].into(),
            p[2].into(),
            p[3].into(),
            p[4].into(),
            p[5].into(),
        ],
        Count::bounded(p[0].into(), 1),
    );
}

fn eval_final<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let dummy = builder.main().current_slice()[0];
    builder.assert_zero(dummy);
    builder.push_interaction(
        BUS_FINAL,
        [
            p[1].into(),
            p[2].into(),
            p[3].into(),
            p[4].into(),
            p[5].into(),
        ],
        Count::bounded(-p[0].into(), 1),
    );
}

fn eval_io<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let dummy = builder.main().current_slice()[0];
    builder.assert_zero(dummy);
    builder.push_interaction(
        BUS_IO,
        [
            p[1].into(),
            p[2].into(),
            p[3].into(),
            p[4].into(),
            p[5].into(),
        ],
        Count::bounded(-p[0].into(), 1),
    );
}

fn eval_pages<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let mult = builder.main().current_slice()[0];
    builder.push_interaction(
        BUS_PAGE,
        [p[0].into(), p[1].into()],
        Count::provided(-mult.into()),
    );
}

fn eval_pairs<AB: InteractionBuilder<F = Val>>(builder: &mut AB) {
    let prep = builder.preprocessed().clone();
    let p = prep.current_slice();
    let m = builder.main().current_slice().to_vec();
    builder.push_interaction(
        BUS_PAIR,
        [p[0].into(), p[1].into()],
        Count::provided(-m[0].into()),
    );
    let ops = [
        PAIR_OP_MSB,
        PAIR_OP_ADDR,
        PAIR_OP_BITWISE + OP_AND,
        PAIR_OP_BITWISE + OP_OR,
        PAIR_OP_BITWISE + OP_XOR,
    ];
    for (k, op) in ops.into_iter().enumerate() {
        builder.push_interaction(
            BUS_PAIR_OP,
            [c::<AB>(op), p[0].into(), p[1].into(), p[2 + k].into()],
            Count::provided(-m[1 + k].into()),
        );
    }
}
