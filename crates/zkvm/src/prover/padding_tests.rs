//! Padding rows must not speak on any bus.
//!
//! A table the prover fills (CPU, boundary, bitwise, mul) is padded to a power of two with rows
//! that carry no meaning. If some value in such a row satisfies every constraint and still gives
//! an interaction a non-zero count, a prover can use the row to send or receive a message that no
//! real row accounts for (the forged final-state word of `final_word_forged_on_a_padding_row`).
//! These tests evaluate each AIR on single rows, as the verifier's constraint check does, and
//! require: a padding row whose values were changed either breaks a constraint or has a zero
//! count on every interaction.
//!
//! The tables with preprocessed rows have one prover-chosen column per bus, the multiplicity of
//! a provided row; changing it on a padding row unbalances its bus, which a real proof shows.
#![allow(clippy::unwrap_used)]

use core::borrow::{Borrow, BorrowMut};

use p3_air::{Air, AirBuilder, RowWindow};
use p3_field::{Field, PrimeField32};
use p3_lookup::{Count, InteractionBuilder};
use p3_matrix::dense::RowMajorMatrix;

use super::air::{MEM_ADDR_OFFSET, Val};
use super::columns::{BOUNDARY_WIDTH, BitwiseCols, BoundaryCols, CpuCols, MulCols};
use super::test_runs::{BUSY_INPUT, HonestRun, busy_program, honest_run};
use super::trace::MainTraces;
use super::*;

/// Evaluates an AIR on one `(current, next)` row pair over concrete values: counts the violated
/// constraints and records every interaction's count.
struct RowProbe<'a> {
    main: RowWindow<'a, Val>,
    prep: RowWindow<'a, Val>,
    public: &'a [Val],
    first: Val,
    last: Val,
    transition: Val,
    violated: usize,
    counts: Vec<(String, Val)>,
}

impl<'a> AirBuilder for RowProbe<'a> {
    type F = Val;
    type Expr = Val;
    type Var = Val;
    type PreprocessedWindow = RowWindow<'a, Val>;
    type MainWindow = RowWindow<'a, Val>;
    type PublicVar = Val;
    type PeriodicVar = Val;

    fn main(&self) -> Self::MainWindow {
        self.main
    }
    fn preprocessed(&self) -> &Self::PreprocessedWindow {
        &self.prep
    }
    fn is_first_row(&self) -> Val {
        self.first
    }
    fn is_last_row(&self) -> Val {
        self.last
    }
    fn is_transition(&self) -> Val {
        self.transition
    }
    fn assert_zero<I: Into<Val>>(&mut self, x: I) {
        if x.into() != Val::ZERO {
            self.violated += 1;
        }
    }
    fn public_values(&self) -> &[Val] {
        self.public
    }
}

impl InteractionBuilder for RowProbe<'_> {
    fn push_interaction<E: Into<Val>>(
        &mut self,
        bus_name: &str,
        fields: impl IntoIterator<Item = E>,
        count: impl Into<Count<Val>>,
    ) {
        fields.into_iter().for_each(drop);
        let (count, _) = count.into().into_parts();
        self.counts.push((bus_name.to_string(), count));
    }

    fn push_local_interaction(&mut self, tuples: impl IntoIterator<Item = (Vec<Val>, Count<Val>)>) {
        for (_, count) in tuples {
            self.counts.push(("local".into(), count.into_parts().0));
        }
    }
}

/// What one row of a table does: the constraints it breaks on the pairs `(row - 1, row)` and
/// `(row, row + 1)`, and its own interactions' non-zero counts (bus names).
fn probe(
    air: &ZkvmAir,
    main: &RowMajorMatrix<Val>,
    public: &[Val],
    row: usize,
) -> (usize, Vec<String>) {
    let h = main.height();
    let w = main.width();
    let prep = air.preprocessed();
    let pw = prep.map_or(0, |m| m.width());
    let window = |r: usize| {
        let n = (r + 1) % h;
        let m = RowWindow::from_two_rows(
            &main.values[r * w..(r + 1) * w],
            &main.values[n * w..(n + 1) * w],
        );
        let p = prep.map_or(RowWindow::from_two_rows(&[], &[]), |p| {
            RowWindow::from_two_rows(
                &p.values[r * pw..(r + 1) * pw],
                &p.values[n * pw..(n + 1) * pw],
            )
        });
        RowProbe {
            main: m,
            prep: p,
            public,
            first: Val::from_bool(r == 0),
            last: Val::from_bool(r == h - 1),
            transition: Val::from_bool(r != h - 1),
            violated: 0,
            counts: Vec::new(),
        }
    };
    let mut own = window(row);
    air.eval(&mut own);
    let mut violated = own.violated;
    if row > 0 {
        let mut before = window(row - 1);
        air.eval(&mut before);
        violated += before.violated;
    }
    let speaking = own
        .counts
        .into_iter()
        .filter(|(_, c)| *c != Val::ZERO)
        .map(|(bus, _)| bus)
        .collect();
    (violated, speaking)
}

/// A prover-filled table: name, AIR index in `airs`, its trace, and whether a row is real.
type ProverTable<'a> = (
    &'static str,
    usize,
    &'a RowMajorMatrix<Val>,
    fn(&[Val]) -> bool,
);

/// A preprocessed table's name and its multiplicity columns in the traces.
type ProvidedTable = (
    &'static str,
    fn(&mut MainTraces) -> &mut RowMajorMatrix<Val>,
);

/// The prover-filled tables.
fn prover_tables(t: &MainTraces) -> [ProverTable<'_>; 5] {
    fn cpu_real(r: &[Val]) -> bool {
        let c: &CpuCols<Val> = r.borrow();
        c.is_real == Val::ONE
    }
    fn boundary_real(r: &[Val]) -> bool {
        let b: &BoundaryCols<Val> = r.borrow();
        b.is_real == Val::ONE
    }
    // The chips' rows are real when an op flag is set; their padding is all zeros.
    fn chip_real(r: &[Val]) -> bool {
        r.iter().any(|&v| v != Val::ZERO)
    }
    [
        ("cpu", 0, &t.cpu, cpu_real),
        ("boundary", 3, &t.boundary, boundary_real),
        ("bitwise", 6, &t.bitwise, chip_real),
        ("mul", 7, &t.mul, chip_real),
        // The busy run calls Keccak: its port is the table after the pair table.
        ("keccak_port", 10, &t.keccak.as_ref().unwrap().0, chip_real),
    ]
}

/// The public values to probe a table with: the run's (a halting segment), and those of a segment that stops
/// without halting (the CPU's and the boundary's `halted` flag cleared), whose boundary publishes its final state.
fn pv_variants(pv: &[Val], table: usize) -> Vec<Vec<Val>> {
    let mut out = vec![pv.to_vec()];
    let flag = match table {
        0 => Some(super::air::PV_HALTED),
        3 => Some(0),
        _ => None,
    };
    if let Some(i) = flag {
        let mut running = pv.to_vec();
        running[i] = Val::ZERO;
        out.push(running);
    }
    out
}

/// Proving the run of `p` with column `col` of row `row` of table `name` set to `value` fails, or the proof
/// does not verify.
fn assert_rejected_by_proof(p: &Program, name: &str, row: usize, col: usize, value: Val) {
    let r = prove_with(p, BUSY_INPUT, &FAST_TEST, &mut |t, _| {
        let m = match name {
            "cpu" => &mut t.cpu,
            "boundary" => &mut t.boundary,
            "bitwise" => &mut t.bitwise,
            "mul" => &mut t.mul,
            "keccak_port" => &mut t.keccak.as_mut().unwrap().0,
            _ => unreachable!("{name}"),
        };
        let w = m.width();
        m.values[row * w + col] = value;
    });
    match r {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("{name}: unexpected error {e}"),
        Ok((claim, proof, _)) => assert!(
            verify(p, &claim, &proof, &FAST_TEST).is_err(),
            "{name}: padding row {row} with column {col} = {value} speaks, and the proof verified"
        ),
    }
}

/// The padding rows worth probing: the first (its predecessor is real) and the last (it wraps to
/// row 0).
fn padding_rows(m: &RowMajorMatrix<Val>, is_real: fn(&[Val]) -> bool) -> Vec<usize> {
    let h = m.height();
    let first = (0..h).find(|&r| !is_real(&m.values[r * m.width()..(r + 1) * m.width()]));
    let mut rows: Vec<usize> = first.into_iter().collect();
    if first.is_some_and(|f| f != h - 1) {
        rows.push(h - 1);
    }
    rows
}

/// splitmix64: deterministic field elements for the tests.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> Val {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Val::from_u64((z ^ (z >> 31)) % u64::from(Val::ORDER_U32))
    }
}

/// Every column of a padding row set to a random value (one column at a time, and small values
/// 1 and 2 too, which booleans accept): the row breaks a constraint or stays silent.
#[test]
fn a_padding_row_with_any_one_value_changed_is_silent_or_rejected() {
    let p = busy_program();
    let HonestRun {
        airs, traces, pvs, ..
    } = honest_run(&p, BUSY_INPUT);
    let mut rng = Rng(0x5eed);
    let mut proved = 0;
    for (name, idx, m, is_real) in prover_tables(&traces) {
        let rows = padding_rows(m, is_real);
        assert!(!rows.is_empty(), "{name}: no padding row to probe");
        for &row in &rows {
            let (v, speaking) = probe(&airs[idx], m, &pvs[idx], row);
            assert!(
                v == 0 && speaking.is_empty(),
                "{name}: honest padding row {row}: {v} violations, {speaking:?}"
            );
            for col in 0..m.width() {
                for value in [Val::ONE, Val::TWO, rng.next(), rng.next()] {
                    let mut forged = m.clone();
                    forged.values[row * m.width() + col] = value;
                    let silent_or_violated = pv_variants(&pvs[idx], idx).iter().all(|pv| {
                        let (violated, speaking) = probe(&airs[idx], &forged, pv, row);
                        violated > 0 || speaking.is_empty()
                    });
                    if silent_or_violated {
                        continue;
                    }
                    // The row now passes as a real one (a selector was set): its messages have no counterpart
                    // in the other tables, so the buses do not balance and no proof verifies.
                    assert_rejected_by_proof(&p, name, row, col, value);
                    proved += 1;
                }
            }
        }
    }
    // Setting a chip's op flag (or a row's is_real) to 1 makes a row real: those cases went through proofs.
    assert!(proved > 0 && proved < 64, "{proved} cases needed a proof");
}

/// A real row copied into a padding row with the table's "real" selectors cleared (what a
/// prover would do to replay a real row's messages without paying for them): the row breaks a
/// constraint or stays silent. A boundary row replayed this way in a segment that does not halt published its
/// final word before `fnz` was tied to `is_real` (`final_word_forged_on_a_padding_row` forges one end to end).
#[test]
fn a_real_row_replayed_as_padding_is_silent_or_rejected() {
    let p = busy_program();
    let HonestRun {
        airs, traces, pvs, ..
    } = honest_run(&p, BUSY_INPUT);
    for (name, idx, m, is_real) in prover_tables(&traces) {
        let w = m.width();
        let real: Vec<usize> = (0..m.height())
            .filter(|&r| is_real(&m.values[r * w..(r + 1) * w]))
            .collect();
        for &row in &padding_rows(m, is_real) {
            for &src in &real {
                let mut forged = m.clone();
                forged.values.copy_within(src * w..(src + 1) * w, row * w);
                clear_selectors(name, &mut forged.values[row * w..(row + 1) * w]);
                for pv in pv_variants(&pvs[idx], idx) {
                    let (violated, speaking) = probe(&airs[idx], &forged, &pv, row);
                    assert!(
                        violated > 0 || speaking.is_empty(),
                        "{name}: real row {src} replayed as padding row {row} satisfies every constraint and speaks on {speaking:?} (public values {pv:?})"
                    );
                }
            }
        }
    }
}

/// Clears what makes a row real: `is_real` (and the ROM's `valid`, the flags and the syscall
/// flags for the CPU; `in_image` for the boundary); the chips' op flags.
fn clear_selectors(table: &str, row: &mut [Val]) {
    match table {
        "cpu" => {
            let c: &mut CpuCols<Val> = row.borrow_mut();
            c.is_real = Val::ZERO;
            c.rom.valid = Val::ZERO;
            c.rom.f = Default::default();
            c.is_mem = Val::ZERO;
            c.f_halt = Val::ZERO;
            c.f_read = Val::ZERO;
            c.f_commit = Val::ZERO;
            c.f_hint = Val::ZERO;
            c.f_chip = Default::default();
        }
        "boundary" => {
            let b: &mut BoundaryCols<Val> = row.borrow_mut();
            b.is_real = Val::ZERO;
            b.in_image = Val::ZERO;
            b.init = [Val::ZERO; 4];
        }
        "bitwise" => {
            let b: &mut BitwiseCols<Val> = row.borrow_mut();
            b.and = Val::ZERO;
            b.or = Val::ZERO;
            b.xor = Val::ZERO;
        }
        "mul" => {
            let m: &mut MulCols<Val> = row.borrow_mut();
            m.op = [Val::ZERO; 11];
        }
        "keccak_port" => {
            let k: &mut super::chips::KeccakPortCols<Val> = row.borrow_mut();
            k.port.is_real = Val::ZERO;
        }
        _ => unreachable!("{table}"),
    }
}

/// The provided side of each preprocessed table: a multiplicity on a padding (or any) row that
/// no lookup consumes unbalances the bus, and no proof verifies.
#[test]
fn a_multiplicity_no_lookup_consumes_has_no_proof() {
    let p = busy_program();
    let tables: [ProvidedTable; 6] = [
        ("rom", |t| &mut t.rom),
        ("bytes", |t| &mut t.bytes),
        ("pairs", |t| &mut t.pairs),
        ("pages", |t| &mut t.pages),
        ("image", |t| &mut t.image),
        ("io", |t| &mut t.io),
    ];
    for (name, pick) in tables {
        let r = prove_with(&p, BUSY_INPUT, &FAST_TEST, &mut |t, _| {
            let m = pick(t);
            let last = m.values.len() - 1;
            m.values[last] += Val::ONE;
        });
        match r {
            Err(ProveError::Stark(_)) => {}
            Err(e) => panic!("{name}: unexpected error {e}"),
            Ok((claim, proof, _)) => assert!(
                verify(&p, &claim, &proof, &FAST_TEST).is_err(),
                "{name}: an unconsumed multiplicity verified"
            ),
        }
    }
}

/// A prover that publishes a non-zero final word from a boundary padding row, at a word no real
/// row covers, hands the next segment a forged state; the chain of segments must not verify.
#[test]
fn final_word_forged_on_a_padding_row() {
    let p = super::tests::loop_program();
    // A memory word the run never touches.
    let forged_addr = MEM_ADDR_OFFSET + 4000;
    let mut forged = 0;
    let r = prove_segments_with(
        &p,
        &[10],
        16,
        1 << 20,
        &FAST_TEST,
        &mut |i, t, state| {
            if i != 0 {
                return;
            }
            assert!(!state.contains_key(&forged_addr));
            let Some(pad) = t
                .boundary
                .values
                .chunks_exact_mut(BOUNDARY_WIDTH)
                .map(|r| -> &mut BoundaryCols<Val> { r.borrow_mut() })
                .find(|b| b.is_real == Val::ZERO)
            else {
                return;
            };
            pad.addr = Val::from_u32(forged_addr);
            pad.ab = forged_addr
                .to_le_bytes()
                .map(|b| Val::from_u32(u32::from(b)));
            pad.fin = [7, 0, 0, 0].map(Val::from_u32);
            pad.fnz = Val::ONE;
            pad.finv = Val::from_u32(7).inverse();
            state.insert(forged_addr, 7);
            forged += 1;
        },
        &mut |_| true,
    );
    assert_eq!(
        forged, 1,
        "the first segment's boundary table has no padding row"
    );
    match r {
        Err(ProveError::Stark(_)) => {}
        Err(e) => panic!("unexpected error {e}"),
        Ok((_, segs)) => assert!(
            verify_segments(&p, &segs, &FAST_TEST).is_err(),
            "a chain carrying a word forged on a padding row verified"
        ),
    }
}
