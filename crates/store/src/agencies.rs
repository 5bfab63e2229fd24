//! Agencies and their places: the id of an agency (created or re-placed as a report of
//! it is stored), the list of agencies, places for agencies stored before places were
//! kept, and a mapping file's placements and aliases.

use gongkai_gazetteer::{BodyKind, Place, PlaceStatus};
use gongkai_model::access::Scope;
use gongkai_model::agency::Level;

use crate::conn::Val;
use crate::enums::Placement;
use crate::row::Row;
use crate::types::{AgencyInfo, StoredAgency};
use crate::{now, Store, StoreError};

/// The agencies' place columns, as [`place_values`] gives them and [`place_of`] reads
/// them.
pub(crate) const AGENCY_PLACE_COLUMNS: &str =
    "region, level, region_code, body_kind, place_status, candidates, evidence";

/// What of a place is stored and compared: the evidence may differ from one report of
/// an agency to the next without the place changing.
fn place_key(p: &Place) -> (Option<&str>, &str, Level, BodyKind, PlaceStatus, &[String]) {
    (
        p.code.as_deref(),
        p.region.as_str(),
        p.level,
        p.body,
        p.status,
        p.candidates.as_slice(),
    )
}

fn place_values(p: &Place) -> Vec<Val> {
    vec![
        p.region.as_str().into(),
        p.level.into(),
        p.code.clone().into(),
        p.body.into(),
        p.status.into(),
        p.candidates.join(" ").into(),
        p.evidence.join("\n").into(),
    ]
}

/// A place from the [`AGENCY_PLACE_COLUMNS`] of a row.
pub(crate) fn place_of(r: &mut Row) -> Result<Place, StoreError> {
    Ok(Place {
        region: r.take("region")?,
        level: r.get("level")?,
        code: r.take("region_code")?,
        // Agencies stored before places were kept (migration 5) have none until
        // `place_unplaced_agencies` places them: nothing is known of them yet.
        body: r
            .get::<Option<BodyKind>>("body_kind")?
            .unwrap_or(BodyKind::Department),
        status: r
            .get::<Option<PlaceStatus>>("place_status")?
            .unwrap_or(PlaceStatus::Unresolved),
        candidates: r
            .take::<Option<String>>("candidates")?
            .map(|t| {
                t.split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        evidence: r
            .take::<Option<String>>("evidence")?
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default(),
        qualified_name: None,
    })
}

impl Store {
    /// The id of an agency, created or updated as needed. A mapping's placement wins over
    /// an inference, and a later mapping over an earlier one.
    pub(crate) fn agency_id(&mut self, a: &AgencyInfo) -> Result<i64, StoreError> {
        if !self.agencies.contains_key(&a.name) {
            let rows = self.conn.query(
                &format!(
                    "SELECT id, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE name = $1"
                ),
                &[a.name.as_str().into()],
            )?;
            if let Some(mut r) = rows.into_iter().next() {
                let stored = (r.get("id")?, r.get("placement")?, place_of(&mut r)?);
                self.agencies.insert(a.name.clone(), stored);
            }
        }
        match self.agencies.get(&a.name).cloned() {
            None => {
                let mut params: Vec<Val> = vec![a.name.as_str().into(), a.placement.into()];
                params.extend(place_values(&a.place));
                let id = self.conn.query_value(
                    &format!(
                        "INSERT INTO agencies (name, placement, {AGENCY_PLACE_COLUMNS})
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
                    ),
                    &params,
                    "id",
                )?;
                self.agencies
                    .insert(a.name.clone(), (id, a.placement, a.place.clone()));
                Ok(id)
            }
            Some((id, placement, place)) => {
                let changed = place_key(&place) != place_key(&a.place);
                let may = a.placement == Placement::Mapping || placement == Placement::Inferred;
                if changed && may {
                    self.set_place(id, a)?;
                    self.agencies
                        .insert(a.name.clone(), (id, a.placement, a.place.clone()));
                }
                Ok(id)
            }
        }
    }

    fn set_place(&mut self, id: i64, a: &AgencyInfo) -> Result<usize, StoreError> {
        let mut params = place_values(&a.place);
        params.push(a.placement.into());
        params.push(id.into());
        self.conn
            .exec(
                "UPDATE agencies SET region = $1, level = $2, region_code = $3, body_kind = $4,
               place_status = $5, candidates = $6, evidence = $7, placement = $8
             WHERE id = $9",
                &params,
            )
            .map(|n| n as usize)
    }

    /// Every agency with its place and the years it has a current report for,
    /// ordered by name.
    pub fn agencies(&mut self) -> Result<Vec<StoredAgency>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT a.id, a.name, a.placement, {}, r.year
                 FROM agencies a LEFT JOIN reports r
                   ON r.agency_id = a.id AND r.is_current AND r.year IS NOT NULL
                 ORDER BY a.name, a.id, r.year",
                AGENCY_PLACE_COLUMNS
                    .split(", ")
                    .map(|c| format!("a.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            &[],
        )?;
        let mut out: Vec<StoredAgency> = Vec::new();
        for mut r in rows {
            let id: i64 = r.get("id")?;
            let year: Option<i32> = r.get("year")?;
            if let Some(last) = out.last_mut().filter(|a| a.id == id) {
                if let Some(y) = year.filter(|y| last.years.last() != Some(y)) {
                    last.years.push(y);
                }
                continue;
            }
            out.push(StoredAgency {
                id,
                info: AgencyInfo {
                    name: r.take("name")?,
                    placement: r.get("placement")?,
                    place: place_of(&mut r)?,
                },
                years: year.into_iter().collect(),
            });
        }
        Ok(out)
    }

    /// Agencies stored before places were kept (migration 5), placed now by `place`
    /// (name → place); a mapping's region is kept as the user gave it, placed by
    /// `given` (region, level, name → place). Returns how many were placed.
    pub fn place_unplaced_agencies(
        &mut self,
        place: impl Fn(&str) -> Place,
        given: impl Fn(&str, Level, &str) -> Place,
    ) -> Result<usize, StoreError> {
        let rows = self.conn.query(
            "SELECT id, name, placement, region, level FROM agencies WHERE place_status IS NULL",
            &[],
        )?;
        if rows.is_empty() {
            return Ok(0);
        }
        self.agencies.clear();
        self.in_transaction(|store| {
            for r in &rows {
                let name: String = r.get("name")?;
                let placement: Placement = r.get("placement")?;
                let place = match placement {
                    Placement::Mapping => {
                        given(&r.get::<String>("region")?, r.get("level")?, &name)
                    }
                    Placement::Inferred => place(&name),
                };
                let info = AgencyInfo {
                    name,
                    place,
                    placement,
                };
                store.set_place(r.get("id")?, &info)?;
            }
            Ok(rows.len())
        })
    }

    /// Places for agencies stored before they were kept (migration 5): by name, as
    /// an ingest would place them without context; a mapping's region as given.
    pub(crate) fn fill_agency_places(&mut self) -> Result<(), StoreError> {
        let g = gongkai_gazetteer::gazetteer()
            .map_err(|e| StoreError::Query(format!("无法读取区划数据：{e}")))?;
        self.place_unplaced_agencies(
            |name| gongkai_gazetteer::place_agency(g, name, &Default::default()),
            |region, level, name| {
                let body = gongkai_gazetteer::resolve_agency(g, name).body;
                Place::given(g, region, Some(level), body).unwrap_or_else(|why| Place {
                    status: PlaceStatus::Unresolved,
                    code: None,
                    region: region.to_string(),
                    level,
                    body,
                    candidates: Vec::new(),
                    evidence: vec![why],
                    qualified_name: None,
                })
            },
        )?;
        Ok(())
    }

    /// Applies a mapping to agencies already stored: placement overrides, and aliases
    /// (another name for the same agency) merged into the canonical agency, whose
    /// versions are then renumbered in the order they were stored.
    pub fn apply_mapping(
        &mut self,
        entries: &[AgencyInfo],
        aliases: &[(String, String)],
    ) -> Result<usize, StoreError> {
        // Aliases merged away must not stay in the agency cache.
        self.agencies.clear();
        self.in_transaction(|store| store.apply_mapping_in_transaction(entries, aliases))
    }

    /// [`Store::apply_mapping`] inside a transaction the caller holds (so that a caller
    /// can write its audit entries in the same transaction).
    pub(crate) fn apply_mapping_in_transaction(
        &mut self,
        entries: &[AgencyInfo],
        aliases: &[(String, String)],
    ) -> Result<usize, StoreError> {
        let store = self;
        let mut changed = 0;
        for (alias, canonical) in aliases {
            let Some(from) = store.agency_named(alias)? else {
                continue;
            };
            match store.agency_named(canonical)? {
                Some(to) if to != from => {
                    store.conn.exec(
                        "UPDATE reports SET agency_id = $1 WHERE agency_id = $2",
                        &[to.into(), from.into()],
                    )?;
                    // Both agencies' reports pair and compare differently now: the next
                    // cross-report step takes them in again.
                    store.conn.exec(
                        "UPDATE reports SET cross_seen = NULL WHERE agency_id = $1",
                        &[to.into()],
                    )?;
                    // Reviewers' decisions and the staff of the merged agency follow it.
                    store.conn.exec(
                        "UPDATE decisions SET agency_id = $1 WHERE agency_id = $2",
                        &[to.into(), from.into()],
                    )?;
                    store.conn.exec(
                        "UPDATE users SET scope = $1 WHERE scope = $2",
                        &[
                            Scope::Agency(to).to_stored().into(),
                            Scope::Agency(from).to_stored().into(),
                        ],
                    )?;
                    store
                        .conn
                        .exec("DELETE FROM agencies WHERE id = $1", &[from.into()])?;
                }
                Some(_) => {}
                None => {
                    store.conn.exec(
                        "UPDATE agencies SET name = $1 WHERE id = $2",
                        &[canonical.as_str().into(), from.into()],
                    )?;
                }
            }
            changed += 1;
        }
        // Only a merge moves reports between agencies; a new place renumbers nothing
        // (renumbering visits every report, too slow to do for one agency's place).
        let merged = changed;
        for e in entries {
            let rows = store.conn.query(
                &format!(
                    "SELECT id, placement, {AGENCY_PLACE_COLUMNS} FROM agencies WHERE name = $1"
                ),
                &[e.name.as_str().into()],
            )?;
            let Some(mut r) = rows.into_iter().next() else {
                continue;
            };
            let placement: Placement = r.get("placement")?;
            if placement != Placement::Mapping
                || place_key(&place_of(&mut r)?) != place_key(&e.place)
            {
                changed += store.set_place(r.get("id")?, e)?;
            }
        }
        if merged > 0 {
            store.renumber_versions()?;
        }
        if changed > 0 {
            store.mark_cross_stale_in_transaction(now())?;
        }
        Ok(changed)
    }

    /// The id of the agency of that exact name.
    fn agency_named(&mut self, name: &str) -> Result<Option<i64>, StoreError> {
        self.conn
            .query("SELECT id FROM agencies WHERE name = $1", &[name.into()])?
            .first()
            .map(|r| r.get("id"))
            .transpose()
    }
}
