//! Table structure from ruling lines.
//!
//! WPS and LibreOffice draw every cell border as a stroke (or a thin filled
//! rectangle). Rules that cross or touch form a table; the distinct x positions of
//! its vertical rules and y positions of its horizontal rules cut it into elementary
//! cells, and a border missing between two elementary cells means they are one merged
//! cell. Underlines and other lone strokes touch no crossing rule and are dropped.

use crate::interp::Rule;

/// Rules closer than this (points) are the same line (offsets of half a line width).
const SNAP: f32 = 2.0;
/// How far a rule may stop short of the rule it meets.
const TOUCH: f32 = 2.5;
/// Rows or columns thinner than this are double borders, not cells.
const MIN_CELL: f32 = 4.0;

/// A table's elementary grid and its merged cells.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Column boundaries, left to right.
    pub xs: Vec<f32>,
    /// Row boundaries, top to bottom (descending y).
    pub ys: Vec<f32>,
    /// For each elementary cell (row-major), the index of its merged cell.
    pub owner: Vec<usize>,
    /// Number of merged cells.
    pub groups: usize,
}

impl Grid {
    pub fn cols(&self) -> usize {
        self.xs.len() - 1
    }
    pub fn rows(&self) -> usize {
        self.ys.len() - 1
    }
    /// The elementary cell holding a point, if inside the table.
    pub fn cell_at(&self, x: f32, y: f32) -> Option<(usize, usize)> {
        let (x0, x1) = (self.xs[0], *self.xs.last()?);
        let (y1, y0) = (self.ys[0], *self.ys.last()?);
        if x < x0 || x > x1 || y < y0 || y > y1 {
            return None;
        }
        let c = self
            .xs
            .partition_point(|&b| b <= x)
            .clamp(1, self.xs.len() - 1)
            - 1;
        let r = self
            .ys
            .partition_point(|&b| b >= y)
            .clamp(1, self.ys.len() - 1)
            - 1;
        Some((r, c))
    }
}

/// Merge collinear overlapping rules (a border drawn cell by cell is one rule).
fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut out: Vec<Rule> = Vec::with_capacity(rules.len());
    let mut i = 0;
    while i < rules.len() {
        let mut j = i + 1;
        while j < rules.len() && rules[j].pos - rules[j - 1].pos <= SNAP / 2.0 {
            j += 1;
        }
        let bucket = &mut rules[i..j];
        let pos = bucket.iter().map(|r| r.pos).sum::<f32>() / bucket.len() as f32;
        bucket.sort_by(|a, b| a.lo.total_cmp(&b.lo));
        let mut cur: Option<Rule> = None;
        for r in bucket.iter() {
            match cur.as_mut() {
                Some(c) if r.lo <= c.hi + TOUCH => c.hi = c.hi.max(r.hi),
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(Rule { pos, ..*r });
                }
            }
        }
        out.extend(cur);
        i = j;
    }
    out
}

fn touches(h: &Rule, v: &Rule) -> bool {
    v.pos >= h.lo - TOUCH && v.pos <= h.hi + TOUCH && h.pos >= v.lo - TOUCH && h.pos <= v.hi + TOUCH
}

/// Cluster sorted positions within `SNAP`, then drop boundaries closer than a cell.
fn cluster(mut v: Vec<f32>) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    let mut group: Vec<f32> = Vec::new();
    for x in v {
        if let Some(&last) = group.last() {
            if x - last > SNAP {
                out.push(group.iter().sum::<f32>() / group.len() as f32);
                group.clear();
            }
        }
        group.push(x);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f32>() / group.len() as f32);
    }
    // Double borders: keep the outer boundary of a too-thin slice at the ends.
    let mut kept: Vec<f32> = Vec::with_capacity(out.len());
    for (i, &x) in out.iter().enumerate() {
        match kept.last() {
            Some(&prev) if x - prev < MIN_CELL => {
                if i == out.len() - 1 {
                    kept.pop();
                    kept.push(x);
                }
            }
            _ => kept.push(x),
        }
    }
    kept
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind((0..n).collect())
    }
    fn find(&mut self, mut a: usize) -> usize {
        while self.0[a] != a {
            self.0[a] = self.0[self.0[a]];
            a = self.0[a];
        }
        a
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Hostile pages could draw thousands of rules: beyond this, tables are not rebuilt.
const MAX_RULES: usize = 4000;

/// The tables that the rules of a page outline.
pub fn tables(hrules: &[Rule], vrules: &[Rule]) -> Vec<Grid> {
    if hrules.len() + vrules.len() > MAX_RULES * 4 {
        return Vec::new();
    }
    let mut hs = merge(hrules.to_vec());
    let mut vs = merge(vrules.to_vec());
    if hs.len() + vs.len() > MAX_RULES {
        return Vec::new();
    }
    // Keep only rules that meet at least two crossing rules: a table's borders.
    for _ in 0..4 {
        let h_keep: Vec<bool> = hs
            .iter()
            .map(|h| vs.iter().filter(|v| touches(h, v)).take(2).count() >= 2)
            .collect();
        let v_keep: Vec<bool> = vs
            .iter()
            .map(|v| hs.iter().filter(|h| touches(h, v)).take(2).count() >= 2)
            .collect();
        let before = hs.len() + vs.len();
        let mut k = h_keep.iter();
        hs.retain(|_| *k.next().unwrap_or(&false));
        let mut k = v_keep.iter();
        vs.retain(|_| *k.next().unwrap_or(&false));
        if hs.len() + vs.len() == before {
            break;
        }
    }
    if hs.len() < 2 || vs.len() < 2 {
        return Vec::new();
    }
    // Connected components: rules that touch belong to one table.
    let nh = hs.len();
    let mut uf = UnionFind::new(nh + vs.len());
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if touches(h, v) {
                uf.union(i, nh + j);
            }
        }
    }
    let mut comps: Vec<(usize, Vec<Rule>, Vec<Rule>)> = Vec::new();
    for i in 0..nh + vs.len() {
        let root = uf.find(i);
        let idx = match comps.iter().position(|c| c.0 == root) {
            Some(k) => k,
            None => {
                comps.push((root, Vec::new(), Vec::new()));
                comps.len() - 1
            }
        };
        if i < nh {
            comps[idx].1.push(hs[i]);
        } else {
            comps[idx].2.push(vs[i - nh]);
        }
    }
    comps
        .into_iter()
        .filter_map(|(_, h, v)| grid(&h, &v))
        .collect()
}

/// The grid of one table from its rules.
fn grid(hs: &[Rule], vs: &[Rule]) -> Option<Grid> {
    if hs.len() < 2 || vs.len() < 2 {
        return None;
    }
    let mut xs = cluster(vs.iter().map(|v| v.pos).collect());
    let mut ys = cluster(hs.iter().map(|h| h.pos).collect());
    // Open sides (no outer vertical border): the horizontal rules' ends bound the table.
    let hmin = hs.iter().map(|h| h.lo).fold(f32::MAX, f32::min);
    let hmax = hs.iter().map(|h| h.hi).fold(f32::MIN, f32::max);
    if hmin < xs[0] - MIN_CELL {
        xs.insert(0, hmin);
    }
    if hmax > xs[xs.len() - 1] + MIN_CELL {
        xs.push(hmax);
    }
    // A table cut by a page break has no closing rule: the verticals' ends bound it.
    let vmin = vs.iter().map(|v| v.lo).fold(f32::MAX, f32::min);
    let vmax = vs.iter().map(|v| v.hi).fold(f32::MIN, f32::max);
    if vmin < ys[0] - MIN_CELL {
        ys.insert(0, vmin);
    }
    if vmax > ys[ys.len() - 1] + MIN_CELL {
        ys.push(vmax);
    }
    ys.reverse();
    if xs.len() < 2 || ys.len() < 2 || (xs.len() < 3 && ys.len() < 3) {
        return None;
    }
    let (nr, nc) = (ys.len() - 1, xs.len() - 1);
    let vert_at = |x: f32, y: f32| {
        vs.iter()
            .any(|v| (v.pos - x).abs() <= SNAP && v.lo - TOUCH <= y && y <= v.hi + TOUCH)
    };
    let horiz_at = |y: f32, x: f32| {
        hs.iter()
            .any(|h| (h.pos - y).abs() <= SNAP && h.lo - TOUCH <= x && x <= h.hi + TOUCH)
    };
    let mut uf = UnionFind::new(nr * nc);
    for r in 0..nr {
        let ym = (ys[r] + ys[r + 1]) / 2.0;
        for c in 0..nc {
            let xm = (xs[c] + xs[c + 1]) / 2.0;
            if c + 1 < nc && !vert_at(xs[c + 1], ym) {
                uf.union(r * nc + c, r * nc + c + 1);
            }
            if r + 1 < nr && !horiz_at(ys[r + 1], xm) {
                uf.union(r * nc + c, (r + 1) * nc + c);
            }
        }
    }
    let mut ids = vec![usize::MAX; nr * nc];
    let mut owner = vec![0; nr * nc];
    let mut groups = 0;
    for (i, o) in owner.iter_mut().enumerate() {
        let root = uf.find(i);
        if ids[root] == usize::MAX {
            ids[root] = groups;
            groups += 1;
        }
        *o = ids[root];
    }
    Some(Grid {
        xs,
        ys,
        owner,
        groups,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(y: f32, lo: f32, hi: f32) -> Rule {
        Rule { pos: y, lo, hi }
    }

    #[test]
    fn merged_cells_and_underlines() {
        // A 3x3 grid whose top row is one merged cell, plus an underline inside a cell.
        let hr = vec![
            h(100.0, 0.0, 90.0),
            h(80.0, 0.0, 90.0),
            h(60.0, 0.5, 89.5),
            h(40.0, 0.0, 90.0),
            h(45.0, 35.0, 55.0), // underline
        ];
        let vr = vec![
            h(0.0, 40.0, 100.0),
            h(30.0, 40.0, 80.0),
            h(60.0, 40.0, 80.0),
            h(90.0, 40.0, 100.0),
        ];
        let ts = tables(&hr, &vr);
        assert_eq!(ts.len(), 1);
        let g = &ts[0];
        assert_eq!(g.xs.len(), 4);
        assert_eq!(g.ys.len(), 4);
        assert_eq!(g.groups, 7);
        assert_eq!(g.owner[0], g.owner[1]);
        assert_eq!(g.owner[1], g.owner[2]);
        assert_ne!(g.owner[3], g.owner[4]);
        assert_eq!(g.cell_at(45.0, 50.0), Some((2, 1)));
        assert_eq!(g.cell_at(95.0, 50.0), None);
    }
}
