//! A year's three tables from the ledger (2021 edition), each cell with what is behind
//! it. Table 三 per applicant column:
//! - 一、本年新收: requests received in the year;
//! - 二、上年结转: requests received before the year and open at its start;
//! - each outcome row: requests concluded in the year with that outcome;
//! - （七）总计: the outcome rows' sum; 四、结转下年度: requests open at the year's end.
//!
//! So 一 + 二 = （七）+ 四 holds by construction, and next year's 二 is this year's 四.
//! Table 四 counts the cases filed in the year, by their result at the year's end
//! (尚未审结 when not decided by then). Table 二 counts the documents issued and repealed
//! in the year and those in force at its end, the recorded decision counts and fees.
//! A count the ledger does not record is left blank, never zero, and listed.

use std::collections::BTreeMap;

use gongkai_deadline::Calendar;
use gongkai_model::date::Date;
use gongkai_model::schema::{
    request_rows, ActiveColumnKey, ActiveRowKey, Edition, RequestColumn, RequestRowKey,
    ReviewColumn, ReviewGroup,
};
use gongkai_model::{
    ActiveTable, Cell, Located, ReadingStatus, RequestRow, RequestTable, ReviewTable, Value,
};
use gongkai_model::{CellRef, Report};
use serde::Serialize;

use crate::fees::{page_fee, request_fee, FeeComputation, FeeMethod};
use crate::model::{DecisionKind, DocKind, Ledger, LedgerProblem};

/// One applicant's requests of one calendar month (按件计收 counts within it).
type ApplicantMonth<'a> = (&'a str, crate::ApplicantKind, i32, u32);

/// What a cell counts: the ids of the requests, cases or documents, or the register
/// entry it was copied from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "ids", rename_all = "snake_case")]
pub enum Behind {
    Requests(Vec<String>),
    Cases(Vec<String>),
    Documents(Vec<String>),
    /// A total the ledger records as such (decisions, fees collected).
    Recorded,
}

/// A year's tables and what is behind each cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearTables {
    pub year: i32,
    /// The tables as a report (no prose): what `check` and the report writer take.
    pub report: Report,
    /// Every computed cell and what it counts.
    pub behind: Vec<(CellRef, Behind)>,
    /// Table-二 cells the ledger has no record for: left blank.
    pub unrecorded: Vec<CellRef>,
    /// 信息处理费 of the requests concluded in the year, each with its computation.
    pub processing_fees: Vec<(String, FeeComputation)>,
}

impl YearTables {
    /// What is behind one cell.
    pub fn behind(&self, cell: &CellRef) -> Option<&Behind> {
        self.behind.iter().find(|(c, _)| c == cell).map(|(_, b)| b)
    }

    /// The fees charged in the year, in yuan.
    pub fn processing_fees_total(&self) -> u64 {
        self.processing_fees.iter().map(|(_, f)| f.yuan).sum()
    }
}

/// Why a year's tables cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComputeError {
    #[error("台账有 {} 处问题，改正后才能生成统计表：{}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("；"))]
    Problems(Vec<LedgerProblem>),
    #[error("{0} 年适用 2019 年版（试行）表格，台账只生成 2021 年及以后的年度报告表格")]
    Edition2019(i32),
    #[error("年份超出范围：{0}")]
    Year(i32),
}

fn count(n: usize) -> Cell {
    Cell::count(n as i64, None)
}

/// Computes year `year`'s tables. A ledger with problems ([`Ledger::problems`]) gives
/// none: the tables would be wrong.
pub fn compute(ledger: &Ledger, cal: &Calendar, year: i32) -> Result<YearTables, ComputeError> {
    if year < 2021 {
        return Err(ComputeError::Edition2019(year));
    }
    let (first, last) = match (Date::new(year, 1, 1), Date::new(year, 12, 31)) {
        (Some(f), Some(l)) => (f, l),
        _ => return Err(ComputeError::Year(year)),
    };
    let problems = ledger.problems(cal);
    if !problems.is_empty() {
        return Err(ComputeError::Problems(problems));
    }
    let day_before = Date::from_days_since_epoch(first.days_since_epoch() - 1)
        .ok_or(ComputeError::Year(year))?;
    let mut behind: Vec<(CellRef, Behind)> = Vec::new();

    // Table 三: ids per (row, column); the total column and （七）总计 are sums.
    let mut ids: BTreeMap<(RequestRowKey, usize), Vec<String>> = BTreeMap::new();
    for r in ledger.requests.iter().filter(|r| r.counted()) {
        let col = r.applicant.kind as usize;
        let mut put = |row| ids.entry((row, col)).or_default().push(r.id.clone());
        if r.received.year == year {
            put(RequestRowKey::NewReceived);
        }
        if r.received.year < year && r.open_at_end_of(day_before) {
            put(RequestRowKey::CarriedOver);
        }
        if let Some(c) = r.closure.as_ref().filter(|c| c.date.year == year) {
            put(c.outcome.row());
            put(RequestRowKey::TotalProcessed);
        }
        if r.open_at_end_of(last) {
            put(RequestRowKey::CarriedForward);
        }
    }
    let mut rows = Vec::new();
    for def in request_rows(true) {
        let mut cells: [Cell; 7] = Default::default();
        let mut all = Vec::new();
        for (col, column) in RequestColumn::ALL.iter().enumerate().take(6) {
            let mut here = ids.remove(&(def.key, col)).unwrap_or_default();
            here.sort();
            cells[col] = count(here.len());
            all.extend(here.iter().cloned());
            behind.push((
                CellRef::Request {
                    row: def.key,
                    column: *column,
                },
                Behind::Requests(here),
            ));
        }
        cells[6] = count(all.len());
        all.sort();
        behind.push((
            CellRef::Request {
                row: def.key,
                column: RequestColumn::Total,
            },
            Behind::Requests(all),
        ));
        rows.push(RequestRow {
            key: def.key,
            label: Some(Located::new(def.label.to_string(), None)),
            cells,
        });
    }

    // Table 四: cases filed in the year, by result at its end.
    let mut review = ReviewTable::default();
    for group in ReviewGroup::ALL {
        let mut per: [Vec<String>; 5] = Default::default();
        for c in ledger
            .cases
            .iter()
            .filter(|c| c.kind.group() == group && c.filed.year == year)
        {
            let column = match c.decided {
                Some((result, d)) if d <= last => result.column(),
                _ => ReviewColumn::Pending,
            };
            per[column.index()].push(c.id.clone());
            per[ReviewColumn::Total.index()].push(c.id.clone());
        }
        for column in ReviewColumn::ALL {
            let mut here = std::mem::take(&mut per[column.index()]);
            here.sort();
            review.cells[group.index()][column.index()] = count(here.len());
            behind.push((CellRef::Review { group, column }, Behind::Cases(here)));
        }
    }

    // Table 二.
    let mut active = ActiveTable::empty(Edition::E2021);
    let mut unrecorded = Vec::new();
    let mut set = |active: &mut ActiveTable, row, column, cell: Cell, why: Option<Behind>| {
        let def = gongkai_model::schema::active_row(Edition::E2021, row).expect("2021 row");
        let i = def
            .columns
            .iter()
            .position(|c| c.key == column)
            .expect("2021 column");
        let r = active.row_mut(row).expect("2021 row");
        r.cells[i] = cell;
        let at = CellRef::Active { row, column };
        match why {
            Some(b) => behind.push((at, b)),
            None => unrecorded.push(at),
        }
    };
    for (row, kind) in [
        (ActiveRowKey::Regulations, DocKind::Regulation),
        (ActiveRowKey::NormativeDocuments, DocKind::NormativeDocument),
    ] {
        let docs: Vec<_> = ledger.documents.iter().filter(|d| d.kind == kind).collect();
        let pick = |f: &dyn Fn(&&crate::model::RegisterDoc) -> bool| -> Vec<String> {
            let mut ids: Vec<String> = docs.iter().filter(|d| f(d)).map(|d| d.id.clone()).collect();
            ids.sort();
            ids
        };
        let issued = pick(&|d| d.issued.year == year);
        let repealed = pick(&|d| d.repealed.is_some_and(|r| r.year == year));
        let in_force = pick(&|d| d.issued <= last && d.repealed.is_none_or(|r| r > last));
        for (column, list) in [
            (ActiveColumnKey::Issued, issued),
            (ActiveColumnKey::Repealed, repealed),
            (ActiveColumnKey::InForce, in_force),
        ] {
            set(
                &mut active,
                row,
                column,
                count(list.len()),
                Some(Behind::Documents(list)),
            );
        }
    }
    for (row, kind) in [
        (ActiveRowKey::Licensing, DecisionKind::Licensing),
        (ActiveRowKey::Penalty, DecisionKind::Penalty),
        (ActiveRowKey::Coercion, DecisionKind::Coercion),
    ] {
        match ledger
            .decisions
            .iter()
            .find(|d| d.year == year && d.kind == kind)
        {
            Some(d) => set(
                &mut active,
                row,
                ActiveColumnKey::Decisions,
                Cell::count(d.count as i64, None),
                Some(Behind::Recorded),
            ),
            None => set(
                &mut active,
                row,
                ActiveColumnKey::Decisions,
                Cell::blank(None),
                None,
            ),
        }
    }
    match ledger.fees_collected.get(&year) {
        Some(amount) => set(
            &mut active,
            ActiveRowKey::Fees,
            ActiveColumnKey::Amount10kYuan,
            Cell {
                value: Some(Value::Amount(amount.clone())),
                ..Cell::blank(None)
            },
            Some(Behind::Recorded),
        ),
        None => set(
            &mut active,
            ActiveRowKey::Fees,
            ActiveColumnKey::Amount10kYuan,
            Cell::blank(None),
            None,
        ),
    }

    // 信息处理费 of the requests concluded in the year. 按件: a request's rank among its
    // applicant's requests received that month (by day, then number).
    let mut month: BTreeMap<ApplicantMonth, Vec<(Date, &str)>> = BTreeMap::new();
    for r in ledger.requests.iter().filter(|r| r.counted()) {
        month
            .entry((
                r.applicant.name.as_str(),
                r.applicant.kind,
                r.received.year,
                r.received.month,
            ))
            .or_default()
            .push((r.received, r.id.as_str()));
    }
    for list in month.values_mut() {
        list.sort_unstable();
    }
    let mut processing_fees = Vec::new();
    for r in ledger.requests.iter().filter(|r| r.counted()) {
        let (Some(method), Some(_)) = (r.fee, r.closure.as_ref().filter(|c| c.date.year == year))
        else {
            continue;
        };
        let fee = match method {
            FeeMethod::PerPage { pages } => page_fee(pages),
            FeeMethod::PerRequest => {
                let key = (
                    r.applicant.name.as_str(),
                    r.applicant.kind,
                    r.received.year,
                    r.received.month,
                );
                let list = &month[&key];
                let rank = list.partition_point(|&x| x < (r.received, r.id.as_str())) + 1;
                request_fee(rank as u32)
            }
        };
        processing_fees.push((r.id.clone(), fee));
    }
    processing_fees.sort_by(|a, b| a.0.cmp(&b.0));

    let report = Report {
        source: format!("台账：{}", ledger.agency),
        agency: Some(Located::new(ledger.agency.clone(), None)),
        year: Some(Located::new(year, None)),
        edition: Some(Edition::E2021),
        active: Some(active),
        requests: Some(RequestTable { rows }),
        review: Some(review),
        reading: ReadingStatus::default(),
        ..Report::default()
    };
    Ok(YearTables {
        year,
        report,
        behind,
        unrecorded,
        processing_fees,
    })
}
