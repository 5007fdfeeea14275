//! Ferrum: packing `WIDTH` consecutive rows of a (bit-reversed) LDE matrix into SIMD lanes with
//! block transposes (see `FERRUM.md`).

use alloc::vec::Vec;

use p3_field::PackedFieldPow2;
use p3_matrix::Matrix;

/// Widest packing the stack buffers below serve; wider ones take the upstream path.
const MAX_LANES: usize = 16;

/// Appends `matrix.vertically_packed_row::<P>(r)` to `out`: for each column, lane `i` holds row
/// `r + i` (wrapping at the height).
///
/// Upstream builds every packed cell from `WIDTH` scalar loads. Here each lane's row is read
/// once per `WIDTH` columns as one vector, and every `WIDTH × WIDTH` block is transposed with
/// `log2(WIDTH)` rounds of `interleave`. Windows that wrap past the last row, packings wider than
/// `MAX_LANES`, and the columns after the last full block use the upstream path.
pub(crate) fn extend_vertically_packed<P, M>(matrix: &M, r: usize, out: &mut Vec<P>)
where
    P: PackedFieldPow2,
    M: Matrix<P::Scalar>,
{
    let lanes = P::WIDTH;
    let width = matrix.width();
    let height = matrix.height();
    if lanes == 1 || lanes > MAX_LANES || r + lanes > height || width < lanes {
        out.extend(matrix.vertically_packed_row::<P>(r));
        return;
    }
    let guards: [Option<_>; MAX_LANES] = core::array::from_fn(|i| {
        if i < lanes {
            matrix.row_slice(r + i)
        } else {
            None
        }
    });
    let mut rows: [&[P::Scalar]; MAX_LANES] = [&[]; MAX_LANES];
    for (row, guard) in rows.iter_mut().zip(&guards[..lanes]) {
        match guard {
            Some(g) if g.len() >= width => *row = g,
            _ => {
                out.extend(matrix.vertically_packed_row::<P>(r));
                return;
            }
        }
    }
    let rows = &rows[..lanes];
    let full = width - width % lanes;
    out.reserve(width);
    let mut block = [P::ZERO; MAX_LANES];
    for c in (0..full).step_by(lanes) {
        for (v, row) in block.iter_mut().zip(rows) {
            *v = *P::from_slice(&row[c..c + lanes]);
        }
        transpose(&mut block[..lanes]);
        out.extend_from_slice(&block[..lanes]);
    }
    for c in full..width {
        out.push(P::from_fn(|i| rows[i][c]));
    }
}

/// Transposes the square matrix whose rows are the vectors of `block` (`block.len() == WIDTH`):
/// afterwards `block[j]` holds, in lane `i`, what `block[i]` held in lane `j`.
fn transpose<P: PackedFieldPow2>(block: &mut [P]) {
    let mut half = block.len() / 2;
    while half >= 1 {
        for i in 0..block.len() {
            if i & half == 0 {
                let (a, b) = block[i].interleave(block[i + half], half);
                block[i] = a;
                block[i + half] = b;
            }
        }
        half /= 2;
    }
}
