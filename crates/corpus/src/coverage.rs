//! Coverage against who must report: for a region and a year, every body that must
//! publish an annual report, and whether the corpus holds it, on time or late.
//!
//! Who must report:
//! - every government in the region (the region's own and each unit's below it):
//!   人民政府 of provinces, prefectures and counties, with their 办公室 (a province's
//!   办公厅; a 地区 or 盟 has a 行政公署 instead of a 人民政府), every 乡/镇 人民政府 and
//!   every 街道办事处 — from the gazetteer;
//! - every other body (department, zone committee, vertical body) the corpus has ever
//!   held a report of, placed in the region: a department that published once is
//!   expected every year.
//!
//! A report counts for the body whose place and kind its agency resolved to. Reports
//! whose agency could not be placed are listed apart: a body shown missing may be
//! among them, and coverage says so instead of hiding them.

use std::collections::BTreeMap;

use gongkai_gazetteer::{BodyKind, Gazetteer, Level as UnitLevel, PlaceStatus, UnitId, UnitKind};
use gongkai_store::{Store, StoreError};
use serde::Serialize;

use crate::published::{deadline, Date};

/// Why a body is expected to report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A government in the gazetteer.
    Gazetteer,
    /// Another body the corpus has held a report of.
    Corpus,
}

impl Basis {
    pub fn label(self) -> &'static str {
        match self {
            Basis::Gazetteer => "区划",
            Basis::Corpus => "语料库中出现过",
        }
    }
}

/// Whether the body's report for the year is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Held, published by the deadline or with no date that proves it late.
    Present,
    /// Held, and a date proves it was published after the deadline.
    Late,
    /// Not held.
    Missing,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Present => "已发布",
            Status::Late => "逾期发布",
            Status::Missing => "未发现",
        }
    }
}

/// One body that must report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Expected {
    /// The body's name: 辉县市人民政府, 获嘉县亢村镇人民政府, or the agency's as stored.
    pub name: String,
    /// Its unit's code.
    pub code: String,
    /// The unit's path as one name (河南省新乡市辉县市).
    pub region: String,
    pub body: BodyKind,
    pub basis: Basis,
    pub status: Status,
    /// The report counted, when held.
    pub report_id: Option<i64>,
    pub agency: Option<String>,
    pub published: Option<String>,
    pub signed: Option<String>,
    /// The statutory deadline (YYYY-MM-DD).
    pub deadline: String,
    /// Why late, or why the date does not say (Chinese).
    pub note: String,
}

/// A report of the year whose agency could not be placed, and may belong here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub report_id: i64,
    pub agency: String,
    pub status: PlaceStatus,
    /// For an ambiguous agency, its candidates in the region.
    pub candidates_here: Vec<String>,
}

/// Coverage of one region and year.
#[derive(Clone, Debug, Serialize)]
pub struct Coverage {
    pub code: String,
    pub region: String,
    pub year: i32,
    pub expected: Vec<Expected>,
    /// Ambiguous agencies with a candidate in the region, and unresolved agencies.
    pub unplaced: Vec<Unplaced>,
}

impl Coverage {
    pub fn count(&self, status: Status) -> usize {
        self.expected.iter().filter(|e| e.status == status).count()
    }
}

/// The name a unit's government is listed under: a township with its county (城关镇
/// is in hundreds of counties), a 市辖区 with its city (every 鼓楼区 is one), and more
/// of the path wherever that is still not one unit (西安区先锋街道 is in two cities) —
/// so that the name, printed on a report, places the report on this unit.
fn listed_name(g: &Gazetteer, id: UnitId, body: &str) -> String {
    let unit = g.unit(id);
    let path = g.path(id);
    let shortest = match (unit.level, unit.kind) {
        (UnitLevel::Township, _) | (_, UnitKind::District) => 2,
        _ => 1,
    };
    (shortest..=path.len())
        .map(|n| {
            path[path.len() - n.min(path.len())..]
                .iter()
                .map(|&u| g.unit(u).name)
                .collect::<String>()
        })
        .find(|name| {
            let placed =
                gongkai_gazetteer::place_agency(g, &format!("{name}{body}"), &Default::default());
            placed.code.as_deref() == Some(unit.code)
        })
        .unwrap_or_else(|| gongkai_gazetteer::region_name(g, id))
}

/// The governments of a unit that must report, with their bodies and names. A unit
/// whose parent has the same name (嘉峪关市 under 嘉峪关市) shares its government.
fn governments(g: &Gazetteer, id: UnitId) -> Vec<(String, BodyKind)> {
    let unit = g.unit(id);
    if unit.parent.is_some_and(|p| g.unit(p).name == unit.name) {
        return Vec::new();
    }
    let government = match unit.kind {
        UnitKind::Region | UnitKind::League => "行政公署",
        UnitKind::Subdistrict => "办事处",
        _ => "人民政府",
    };
    let name = listed_name(g, id, government);
    match unit.kind {
        UnitKind::Province | UnitKind::AutonomousRegion | UnitKind::Municipality => vec![
            (format!("{name}人民政府"), BodyKind::Government),
            (format!("{name}人民政府办公厅"), BodyKind::GovernmentOffice),
        ],
        UnitKind::Region | UnitKind::League => vec![
            (format!("{name}行政公署"), BodyKind::Government),
            (format!("{name}行政公署办公室"), BodyKind::GovernmentOffice),
        ],
        UnitKind::PrefectureCity
        | UnitKind::AutonomousPrefecture
        | UnitKind::District
        | UnitKind::County
        | UnitKind::CountyCity
        | UnitKind::AutonomousCounty
        | UnitKind::Banner
        | UnitKind::AutonomousBanner
        | UnitKind::ForestryDistrict
        | UnitKind::SpecialDistrict => vec![
            (format!("{name}人民政府"), BodyKind::Government),
            (format!("{name}人民政府办公室"), BodyKind::GovernmentOffice),
        ],
        UnitKind::Town | UnitKind::Township | UnitKind::EthnicTownship | UnitKind::Sumu => {
            vec![(format!("{name}人民政府"), BodyKind::TownshipGovernment)]
        }
        UnitKind::Subdistrict => vec![(format!("{name}办事处"), BodyKind::TownshipGovernment)],
        // Development zones and other township-level units are not governments: their
        // committees are expected once the corpus has seen them.
        UnitKind::DevelopmentZone | UnitKind::Other => Vec::new(),
    }
}

/// Every unit in `root`'s subtree, root first, in code order.
fn subtree(g: &Gazetteer, root: UnitId) -> Vec<UnitId> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        out.extend_from_slice(g.children(out[i]));
        i += 1;
    }
    out.sort_by_key(|&id| g.unit(id).code);
    out
}

/// A body counts as its unit's government when its kind is 人民政府 (or a township's),
/// or when the agency is the place alone (辉县市).
fn same_body(expected: BodyKind, stored: BodyKind) -> bool {
    match expected {
        BodyKind::Government | BodyKind::TownshipGovernment => matches!(
            stored,
            BodyKind::Government | BodyKind::TownshipGovernment | BodyKind::PlaceOnly
        ),
        other => other == stored,
    }
}

/// Coverage of `root` (and everything in it) for `year`.
pub fn coverage(
    store: &mut Store,
    g: &Gazetteer,
    root: UnitId,
    year: i32,
) -> Result<Coverage, StoreError> {
    let root_code = g.unit(root).code;
    let in_region = |code: &str| code.starts_with(root_code);
    // The agencies placed in the region and those not placed in one unit (they may
    // be in it), and their reports of the year: not the whole corpus.
    let agencies = store.agencies_for_region(root_code)?;
    let reports = store.reports_for_region(root_code, year)?;
    let by_id: BTreeMap<i64, &gongkai_store::AgencyInfo> =
        agencies.iter().map(|(id, a)| (*id, a)).collect();

    let mut expected: Vec<Expected> = Vec::new();
    let new = |name: String, code: &str, region: String, body: BodyKind, basis: Basis| Expected {
        name,
        code: code.to_string(),
        region,
        body,
        basis,
        status: Status::Missing,
        report_id: None,
        agency: None,
        published: None,
        signed: None,
        deadline: deadline(year, body).to_string(),
        note: String::new(),
    };
    for id in subtree(g, root) {
        for (name, body) in governments(g, id) {
            expected.push(new(
                name,
                g.unit(id).code,
                gongkai_gazetteer::region_name(g, id),
                body,
                Basis::Gazetteer,
            ));
        }
    }
    // Other bodies the corpus has seen here, in any year.
    let mut corpus_bodies: BTreeMap<i64, usize> = BTreeMap::new();
    for (id, a) in &agencies {
        let place = &a.place;
        let Some(code) = place.code.as_deref().filter(|c| in_region(c)) else {
            continue;
        };
        if matches!(
            place.body,
            BodyKind::Government | BodyKind::TownshipGovernment | BodyKind::PlaceOnly
        ) || (place.body == BodyKind::GovernmentOffice
            && expected
                .iter()
                .any(|e| e.code == code && e.body == BodyKind::GovernmentOffice))
        {
            continue;
        }
        corpus_bodies.insert(*id, expected.len());
        expected.push(new(
            a.name.clone(),
            code,
            place.region.clone(),
            place.body,
            Basis::Corpus,
        ));
    }

    let mut unplaced = Vec::new();
    for r in &reports {
        let Some((agency_id, agency)) = r.agency_id.and_then(|id| by_id.get(&id).map(|a| (id, *a)))
        else {
            continue;
        };
        let place = &agency.place;
        match place.status {
            PlaceStatus::Resolved => {}
            PlaceStatus::Ambiguous => {
                let here: Vec<String> = place
                    .candidates
                    .iter()
                    .filter(|c| in_region(c))
                    .cloned()
                    .collect();
                if !here.is_empty() {
                    unplaced.push(Unplaced {
                        report_id: r.id,
                        agency: agency.name.clone(),
                        status: place.status,
                        candidates_here: here,
                    });
                }
                continue;
            }
            PlaceStatus::Unresolved => {
                unplaced.push(Unplaced {
                    report_id: r.id,
                    agency: agency.name.clone(),
                    status: place.status,
                    candidates_here: Vec::new(),
                });
                continue;
            }
        }
        let Some(code) = place.code.as_deref().filter(|c| in_region(c)) else {
            continue;
        };
        let slot = match corpus_bodies.get(&agency_id) {
            Some(&i) => Some(i),
            None => expected
                .iter()
                .position(|e| e.code == code && same_body(e.body, place.body)),
        };
        let Some(slot) = slot else { continue };
        let e = &mut expected[slot];
        // Two reports for one body (two agencies placed alike): the first counts.
        if e.report_id.is_some() {
            continue;
        }
        e.report_id = Some(r.id);
        e.agency = agency.name.clone().into();
        e.published = r.published.clone();
        e.signed = r.signed.clone();
        let due = deadline(year, e.body);
        let published = r.published.as_deref().and_then(Date::parse);
        let signed = r.signed.as_deref().and_then(Date::parse);
        (e.status, e.note) = match (published, signed) {
            (Some(p), _) if p > due => (Status::Late, format!("发布日期 {p} 晚于期限 {due}")),
            (_, Some(s)) if s > due => (
                Status::Late,
                format!("落款日期 {s} 晚于期限 {due}（发布不会早于落款）"),
            ),
            (Some(p), _) => (Status::Present, format!("发布日期 {p}，在期限内")),
            (None, _) => (Status::Present, "发布日期不详".to_string()),
        };
    }
    Ok(Coverage {
        code: root_code.to_string(),
        region: gongkai_gazetteer::region_name(g, root),
        year,
        expected,
        unplaced,
    })
}
