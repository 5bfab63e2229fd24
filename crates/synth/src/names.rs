//! Agency names of real places, drawn from the gazetteer.
//!
//! Every body that discloses information publishes a report: city, district and county
//! governments, their general offices, their departments, towns and street offices. The
//! generator draws a real unit of China's statistical divisions (`gongkai-gazetteer`)
//! and one of its bodies, and writes the name the way such bodies print it:
//! "新乡市发展和改革委员会", "洛阳市西工区人民政府", "辉县市人民政府",
//! "长阳土家族自治县人民政府办公室", "获嘉县亢村镇人民政府", "洛阳市西工区王城路街道办事处".
//!
//! A name says which unit it is: [`resolve_agency`] reads it back to the unit drawn (the
//! answer key records that unit's code), so a 市辖区 is always written with its city
//! (four cities have a 鼓楼区) and a county or county-level city goes without its
//! prefecture only where its own name is unambiguous. No name contains digits, brackets
//! or other ASCII (the units whose names do are not drawn), and none is longer than
//! [`MAX_NAME_CHARS`]. Units without a people's government of their own are not drawn
//! either: 开发区, farms and other township-level "其他", the functional zones among the
//! county-level units (codes 71–79: 苏州工业园区, 兰州新区).
//!
//! A corpus may keep to one region ([`Pools::under`]): its agencies are then drawn from
//! the units under it only.

use std::collections::HashSet;
use std::sync::LazyLock;

use gongkai_gazetteer::{
    gazetteer, resolve_agency, Gazetteer, GazetteerError, Level, Outcome, UnitId, UnitKind,
};

use crate::phrases::{self, Field};
use crate::rng::Rng;

/// Departments of a city, district, county or county-level city (the general office among
/// them), by their usual names.
pub(crate) const DEPARTMENTS: &[&str] = &[
    "发展和改革委员会",
    "教育局",
    "科学技术局",
    "工业和信息化局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源和规划局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化广电和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
    "林业局",
    "行政审批服务局",
    "人民政府办公室",
];
/// The longest name written. A title that puts the agency on a line of its own above
/// "YYYY年政府信息公开工作年度报告" is read by the parser only up to this length (the
/// longest real names, 31 characters, need their optional prefecture left out).
pub(crate) const MAX_NAME_CHARS: usize = 30;

/// Share of county-level units written with their prefecture ("新乡市获嘉县…") although
/// their own name is unambiguous: real reports write both.
const PREFIXED: f64 = 0.3;

/// A generated agency: its full name and how its own report refers to it.
#[derive(Clone)]
pub(crate) struct Agency {
    pub name: String,
    /// Self-reference in the prose: "我局", "区政府", "县政府办" …
    pub short: String,
    /// True for a people's government (their reports add 工作考核 to section 五).
    pub government: bool,
    /// What it works on: the topics its prose speaks of, so that each agency's reports
    /// read like its own and different agencies' reports differ.
    pub field: &'static Field,
    /// The gazetteer code of the unit the agency belongs to (410782 for 辉县市教育局).
    pub region_code: &'static str,
    /// The body within the unit, as its name ends: "人民政府", "教育局", "办事处" …
    /// Unit and body identify the agency: a corpus has each at most once, however the
    /// name is written.
    pub body: &'static str,
    /// The first place of the name, whose government's portal publishes the report
    /// ("新乡市" for 新乡市获嘉县亢村镇人民政府, "获嘉县" for 获嘉县亢村镇人民政府).
    pub portal: String,
}

/// What kind of agency to draw. The weights are those of the generator's made-up names
/// before the gazetteer, so corpora keep their mix of governments and departments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    CityGovernment,
    CityOffice,
    DistrictGovernment,
    DistrictOffice,
    DistrictDepartment,
    CountyGovernment,
    CountyDepartment,
    CityDepartment,
    CountyCityGovernment,
    TownGovernment,
    StreetOffice,
}

const KINDS: [(Kind, u32); 11] = [
    (Kind::CityGovernment, 8),
    (Kind::CityOffice, 8),
    (Kind::DistrictGovernment, 10),
    (Kind::DistrictOffice, 6),
    (Kind::DistrictDepartment, 14),
    (Kind::CountyGovernment, 10),
    (Kind::CountyDepartment, 14),
    (Kind::CityDepartment, 10),
    (Kind::CountyCityGovernment, 6),
    (Kind::TownGovernment, 5),
    (Kind::StreetOffice, 5),
];

const GOVERNMENT: &str = "人民政府";
const OFFICE: &str = "人民政府办公室";
const STREET_OFFICE: &str = "办事处";

/// The units agencies are drawn from, each list in code order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Pools {
    /// Prefecture-level cities and autonomous prefectures.
    cities: Vec<UnitId>,
    /// 市辖区.
    districts: Vec<UnitId>,
    /// 县, 自治县, 旗, 自治旗.
    counties: Vec<UnitId>,
    /// 县级市.
    county_cities: Vec<UnitId>,
    /// Counties and county-level cities together: whose departments are drawn.
    county_level: Vec<UnitId>,
    /// 镇, 乡, 民族乡, 苏木.
    towns: Vec<UnitId>,
    /// 街道.
    streets: Vec<UnitId>,
}

impl Pools {
    fn of(&self, kind: Kind) -> &[UnitId] {
        match kind {
            Kind::CityGovernment | Kind::CityOffice | Kind::CityDepartment => &self.cities,
            Kind::DistrictGovernment | Kind::DistrictOffice | Kind::DistrictDepartment => {
                &self.districts
            }
            Kind::CountyGovernment => &self.counties,
            Kind::CountyDepartment => &self.county_level,
            Kind::CountyCityGovernment => &self.county_cities,
            Kind::TownGovernment => &self.towns,
            Kind::StreetOffice => &self.streets,
        }
    }

    /// The units and their bodies that can be drawn, each once: a city, district,
    /// county or county-level city has its government and every department (the
    /// general office among them), a town its government, a street its office.
    fn choices(&self) -> impl Iterator<Item = (UnitId, &'static str)> + '_ {
        let bodies = || std::iter::once(GOVERNMENT).chain(DEPARTMENTS.iter().copied());
        self.cities
            .iter()
            .chain(&self.districts)
            .chain(&self.county_level)
            .flat_map(move |&id| bodies().map(move |b| (id, b)))
            .chain(self.towns.iter().map(|&id| (id, GOVERNMENT)))
            .chain(self.streets.iter().map(|&id| (id, STREET_OFFICE)))
    }

    /// How many different agencies can be drawn.
    pub(crate) fn capacity(&self) -> usize {
        let with_departments = self.cities.len() + self.districts.len() + self.county_level.len();
        with_departments * (1 + DEPARTMENTS.len()) + self.towns.len() + self.streets.len()
    }

    /// The units under `region`, and the region itself.
    pub(crate) fn under(&self, g: &Gazetteer, region: UnitId) -> Pools {
        let keep = |ids: &[UnitId]| -> Vec<UnitId> {
            ids.iter()
                .copied()
                .filter(|&id| id == region || g.is_ancestor(region, id))
                .collect()
        };
        Pools {
            cities: keep(&self.cities),
            districts: keep(&self.districts),
            counties: keep(&self.counties),
            county_cities: keep(&self.county_cities),
            county_level: keep(&self.county_level),
            towns: keep(&self.towns),
            streets: keep(&self.streets),
        }
    }

    /// Every unit of the pools: cities, districts, counties and county-level cities,
    /// towns, streets.
    #[cfg(test)]
    pub(crate) fn units(&self) -> impl Iterator<Item = UnitId> + '_ {
        self.cities
            .iter()
            .chain(&self.districts)
            .chain(&self.county_level)
            .chain(&self.towns)
            .chain(&self.streets)
            .copied()
    }
}

/// The gazetteer with what the generator knows of it: which units are drawn, and
/// which county-level names are unambiguous on their own.
pub(crate) struct Places {
    pub g: &'static Gazetteer,
    /// By unit id: the county-level unit's name alone resolves to it ("辉县市"; not
    /// "新华区", which six cities have).
    alone: Vec<bool>,
    /// Every unit agencies are drawn from.
    pub all: Pools,
}

static PLACES: LazyLock<Result<Places, &'static GazetteerError>> =
    LazyLock::new(|| gazetteer().map(Places::new));

/// The places, built on first use.
pub(crate) fn places() -> Result<&'static Places, &'static GazetteerError> {
    PLACES.as_ref().map_err(|&e| e)
}

/// Whether a unit's name can stand in a report's title: no digits, brackets or other
/// ASCII ("白城市洮北区（工业园区）城南街道", "化学新材料产业园-沿江街道" are not drawn).
fn printable(name: &str) -> bool {
    name.chars()
        .all(|c| !c.is_ascii() && !matches!(c, '（' | '）'))
}

fn county_kind(kind: UnitKind) -> bool {
    matches!(
        kind,
        UnitKind::District
            | UnitKind::County
            | UnitKind::AutonomousCounty
            | UnitKind::Banner
            | UnitKind::AutonomousBanner
            | UnitKind::CountyCity
    )
}

impl Places {
    fn new(g: &'static Gazetteer) -> Places {
        let resolves = |name: &str, id: UnitId| {
            resolve_agency(g, &format!("{name}{GOVERNMENT}")).outcome == Outcome::Resolved(id)
        };
        let mut alone = vec![false; g.len()];
        // Units whose bodies are drawn; a township is drawn only under one of them.
        let mut drawn = vec![false; g.len()];
        let mut all = Pools::default();
        // Parents come before their children in the data, so `drawn` of a parent is
        // known when its children are reached.
        for id in (0..g.len()).filter_map(|i| UnitId::try_from(i).ok()) {
            let unit = g.unit(id);
            let parent = unit.parent.map(|p| g.unit(p));
            match unit.level {
                Level::Prefecture => {
                    // A prefecture is written alone, so only one whose name resolves
                    // to it is drawn: all of them in the current data (嘉峪关市, which
                    // shares its name with its county-level namesake, reads as the
                    // upper unit), but a name that stopped resolving would be left out
                    // rather than written wrong.
                    if matches!(
                        unit.kind,
                        UnitKind::PrefectureCity | UnitKind::AutonomousPrefecture
                    ) && printable(unit.name)
                        && resolves(unit.name, id)
                    {
                        drawn[id as usize] = true;
                        all.cities.push(id);
                    }
                }
                Level::County => {
                    // A county-level unit named like its prefecture (嘉峪关市 under
                    // 嘉峪关市) stands for the prefecture's own area: no body publishes
                    // as it, but its towns and streets are the city's
                    // ([`Places::written_under`]).
                    if parent.is_some_and(|p| p.name == unit.name) {
                        drawn[id as usize] = unit.parent.is_some_and(|p| drawn[p as usize]);
                        continue;
                    }
                    // County-level codes 71–79 are functional zones (苏州工业园区,
                    // 常德市西洞庭管理区, 兰州新区), some of them typed 市辖区 by their
                    // suffix: they are run by a 管委会, not a people's government.
                    if !county_kind(unit.kind)
                        || !printable(unit.name)
                        || unit.code.as_bytes().get(4) == Some(&b'7')
                    {
                        continue;
                    }
                    drawn[id as usize] = true;
                    alone[id as usize] = resolves(unit.name, id);
                    match unit.kind {
                        UnitKind::District => all.districts.push(id),
                        UnitKind::CountyCity => {
                            all.county_cities.push(id);
                            all.county_level.push(id);
                        }
                        _ => {
                            all.counties.push(id);
                            all.county_level.push(id);
                        }
                    }
                }
                Level::Township => {
                    if !unit.parent.is_some_and(|p| drawn[p as usize]) || !printable(unit.name) {
                        continue;
                    }
                    match unit.kind {
                        UnitKind::Town
                        | UnitKind::Township
                        | UnitKind::EthnicTownship
                        | UnitKind::Sumu => all.towns.push(id),
                        UnitKind::Subdistrict => all.streets.push(id),
                        // 开发区 and 其他 (farms, zones, institutions) are not places
                        // with a government of their own.
                        _ => {}
                    }
                }
                Level::Province => {}
            }
        }
        Places { g, alone, all }
    }

    /// The unit as written at the head of an agency's name followed by `rest_chars`
    /// more characters: a prefecture alone; a 市辖区 after its city; a county or
    /// county-level city alone when its name is unambiguous (and the name not too long
    /// for its prefecture, [`PREFIXED`] of the time), else after its prefecture (or
    /// province, for one the province governs directly); a township after its
    /// county-level unit (or its city, where the city has no counties: 东莞市).
    /// Returns the head and the first place in it.
    fn head(&self, id: UnitId, rest_chars: usize, rng: &mut Rng) -> (String, &'static str) {
        let unit = self.g.unit(id);
        let parent = unit.parent.map(|p| self.g.unit(p).name).unwrap_or("");
        let len = |s: &str| s.chars().count();
        match unit.level {
            Level::Prefecture | Level::Province => (unit.name.to_string(), unit.name),
            Level::County if unit.kind == UnitKind::District => {
                (format!("{parent}{}", unit.name), parent)
            }
            Level::County => {
                let prefixed = format!("{parent}{}", unit.name);
                // Drawn whatever the outcome, so that the stream does not depend on it.
                let wants_prefix = rng.chance(PREFIXED);
                let prefix_fits = len(&prefixed) + rest_chars <= MAX_NAME_CHARS;
                if !self.alone[id as usize] || (wants_prefix && prefix_fits) {
                    (prefixed, parent)
                } else {
                    (unit.name.to_string(), unit.name)
                }
            }
            Level::Township => match unit.parent {
                Some(p) => {
                    let p = self.written_under(p);
                    let (head, first) = self.head(p, len(unit.name) + rest_chars, rng);
                    (head + unit.name, first)
                }
                None => (unit.name.to_string(), unit.name),
            },
        }
    }

    /// The unit a township is written under: its parent, or the city where the parent
    /// is the city's county-level namesake (嘉峪关市 › 嘉峪关市 › 雄关街道 is written
    /// 嘉峪关市雄关街道).
    fn written_under(&self, parent: UnitId) -> UnitId {
        let unit = self.g.unit(parent);
        match unit.parent {
            Some(up) if self.g.unit(up).name == unit.name => up,
            _ => parent,
        }
    }

    /// The agency of `body` (人民政府, a department, 办事处) of the unit `id`, its name
    /// written by [`Places::head`].
    fn agency(&self, id: UnitId, body: &'static str, rng: &mut Rng) -> Agency {
        let unit = self.g.unit(id);
        let (head, first) = self.head(id, body.chars().count(), rng);
        let name = head + body;
        let (short, government, field) = if unit.level == Level::Township {
            let short = if unit.kind == UnitKind::Subdistrict {
                "街道办"
            } else if rng.chance(0.5) {
                match unit.kind {
                    UnitKind::Town => "镇政府",
                    UnitKind::Sumu => "苏木政府",
                    _ => "乡政府",
                }
            } else {
                "本级政府"
            };
            (short, true, &phrases::GRASSROOTS)
        } else if body == GOVERNMENT {
            let short = match unit.kind {
                UnitKind::AutonomousPrefecture => "州政府",
                UnitKind::District => "区政府",
                UnitKind::County | UnitKind::AutonomousCounty => "县政府",
                UnitKind::Banner | UnitKind::AutonomousBanner => "旗政府",
                _ => "市政府",
            };
            (short, true, &phrases::GOVERNMENT)
        } else {
            (
                short_for_department(body),
                false,
                phrases::field_of_department(body),
            )
        };
        Agency {
            name,
            short: short.to_string(),
            government,
            field,
            region_code: unit.code,
            body,
            portal: first.to_string(),
        }
    }

    /// Draw an agency from `pools` (which must not be empty: [`Pools::capacity`] > 0).
    pub(crate) fn draw(&self, pools: &Pools, rng: &mut Rng) -> Agency {
        let weights: Vec<u32> = KINDS
            .iter()
            .map(|&(kind, w)| if pools.of(kind).is_empty() { 0 } else { w })
            .collect();
        let kind = KINDS[rng.weighted(&weights)].0;
        let id = rng.pick(pools.of(kind));
        let body = match kind {
            Kind::CityGovernment
            | Kind::DistrictGovernment
            | Kind::CountyGovernment
            | Kind::CountyCityGovernment
            | Kind::TownGovernment => GOVERNMENT,
            Kind::CityOffice | Kind::DistrictOffice => OFFICE,
            Kind::CityDepartment | Kind::DistrictDepartment | Kind::CountyDepartment => {
                rng.pick(DEPARTMENTS)
            }
            Kind::StreetOffice => STREET_OFFICE,
        };
        self.agency(id, body, rng)
    }

    /// Draw an agency from `pools` whose unit and body are not in `used`, and add it
    /// there; `None` when every agency of the pools is used. Random draws first; when
    /// they keep hitting used agencies (a small region nearly exhausted), one of the
    /// unused ones, drawn uniformly.
    pub(crate) fn draw_unused(
        &self,
        pools: &Pools,
        used: &mut HashSet<(&'static str, &'static str)>,
        rng: &mut Rng,
    ) -> Option<Agency> {
        const TRIES: usize = 200;
        if pools.capacity() == 0 {
            return None;
        }
        for _ in 0..TRIES {
            let a = self.draw(pools, rng);
            if used.insert((a.region_code, a.body)) {
                return Some(a);
            }
        }
        let left: Vec<(UnitId, &'static str)> = pools
            .choices()
            .filter(|&(id, body)| !used.contains(&(self.g.unit(id).code, body)))
            .collect();
        if left.is_empty() {
            return None;
        }
        let (id, body) = rng.pick(&left);
        let a = self.agency(id, body, rng);
        used.insert((a.region_code, a.body));
        Some(a)
    }
}

fn short_for_department(dept: &str) -> &'static str {
    if dept.ends_with("委员会") {
        "我委"
    } else if dept.ends_with("办公室") {
        "我办"
    } else {
        "我局"
    }
}

/// An agency drawn from every place (a single report's).
///
/// # Panics
/// If the embedded gazetteer does not load, which only a broken build can cause (its
/// own tests load it).
pub(crate) fn agency(rng: &mut Rng) -> Agency {
    let places = places().unwrap_or_else(|e| panic!("区划数据无法读取：{e}"));
    places.draw(&places.all, rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> &'static Places {
        super::places().expect("the embedded gazetteer loads")
    }

    fn id(code: &str) -> UnitId {
        places().g.by_code(code).expect(code)
    }

    #[test]
    fn names_are_printable_and_short() {
        let p = places();
        let mut rng = Rng::new(3, 0);
        for _ in 0..2000 {
            let a = p.draw(&p.all, &mut rng);
            assert!(printable(&a.name), "{}", a.name);
            assert!(a.name.chars().count() <= MAX_NAME_CHARS, "{}", a.name);
        }
    }

    /// Every unit drawn — with its government, its general office and one department
    /// (the departments in turn), or a township with its own body — is named so that
    /// the name resolves to it, within the length a title carries.
    #[test]
    fn every_unit_resolves_to_itself() {
        let p = places();
        let mut rng = Rng::new(5, 0);
        let mut checked = 0;
        for (i, id) in p.all.units().enumerate() {
            let unit = p.g.unit(id);
            let bodies = match unit.kind {
                UnitKind::Subdistrict => vec![STREET_OFFICE],
                _ if unit.level == Level::Township => vec![GOVERNMENT],
                _ => vec![GOVERNMENT, OFFICE, DEPARTMENTS[i % DEPARTMENTS.len()]],
            };
            for body in bodies {
                let a = p.agency(id, body, &mut rng);
                assert_eq!(
                    resolve_agency(p.g, &a.name).outcome,
                    Outcome::Resolved(id),
                    "{} ({})",
                    a.name,
                    unit.code
                );
                assert_eq!(a.region_code, unit.code);
                assert!(printable(&a.name), "{}", a.name);
                assert!(a.name.chars().count() <= MAX_NAME_CHARS, "{}", a.name);
                assert!(a.name.starts_with(&a.portal), "{} {}", a.name, a.portal);
                checked += 1;
            }
        }
        assert_eq!(checked, 3 * (323 + 974 + 1865) + 29_394 + 8_853);
    }

    #[test]
    fn pools() {
        let all = &places().all;
        assert_eq!(
            (all.cities.len(), all.districts.len(), all.counties.len()),
            (323, 974, 1468)
        );
        assert_eq!(
            (all.county_cities.len(), all.county_level.len()),
            (397, 1865)
        );
        assert_eq!((all.towns.len(), all.streets.len()), (29_394, 8_853));
        assert_eq!(all.capacity(), (323 + 974 + 1865) * 29 + 29_394 + 8_853);
        // 嘉峪关市 is drawn, its county-level namesake is not, its streets are the city's.
        assert!(all.cities.contains(&id("6202")));
        assert!(!all.county_cities.contains(&id("620201")));
        assert!(all.streets.contains(&id("620201001")));
        // A functional zone typed 市辖区; brackets in the name; a farm.
        assert!(!all.districts.contains(&id("320576")));
        assert!(!all.streets.contains(&id("220802006")));
        assert!(!all.towns.contains(&id("410724400")));
    }

    /// How units are written: a 市辖区 always with its city, a county-level city alone
    /// or with its prefecture, a township after its county.
    #[test]
    fn heads() {
        let p = places();
        let forms = |code: &str| {
            let mut seen: Vec<String> = (0..200)
                .map(|seed| p.head(id(code), 4, &mut Rng::new(seed, 0)).0)
                .collect();
            seen.sort();
            seen.dedup();
            seen
        };
        assert_eq!(forms("410303"), ["洛阳市西工区"]);
        assert_eq!(forms("410782"), ["新乡市辉县市", "辉县市"]);
        assert_eq!(
            forms("420528"),
            ["宜昌市长阳土家族自治县", "长阳土家族自治县"]
        );
        assert_eq!(forms("410724106"), ["新乡市获嘉县亢村镇", "获嘉县亢村镇"]);
        assert_eq!(forms("410303001"), ["洛阳市西工区王城路街道"]);
        assert_eq!(forms("4107"), ["新乡市"]);
        assert_eq!(forms("620201001"), ["嘉峪关市雄关街道"]);
        // 东莞市 has no counties: its towns stand under the city.
        assert_eq!(forms("441900003"), ["东莞市东城街道"]);
    }

    #[test]
    fn agencies_of_a_unit() {
        let p = places();
        let mut rng = Rng::new(1, 0);
        let a = p.agency(id("4107"), "发展和改革委员会", &mut rng);
        assert_eq!(
            (a.name.as_str(), a.short.as_str(), a.government),
            ("新乡市发展和改革委员会", "我委", false)
        );
        assert_eq!(
            (a.region_code, a.body, a.portal.as_str()),
            ("4107", "发展和改革委员会", "新乡市")
        );
        let a = p.agency(id("410303001"), STREET_OFFICE, &mut rng);
        assert_eq!(
            (
                a.name.as_str(),
                a.short.as_str(),
                a.government,
                a.field.name
            ),
            ("洛阳市西工区王城路街道办事处", "街道办", true, "基层治理")
        );
        assert_eq!(a.portal, "洛阳市");
        let a = p.agency(id("410303"), GOVERNMENT, &mut rng);
        assert_eq!(
            (a.name.as_str(), a.short.as_str()),
            ("洛阳市西工区人民政府", "区政府")
        );
    }

    /// A county has its government and departments and its towns' governments, each
    /// drawn once; then nothing is left.
    #[test]
    fn a_region_runs_out() {
        let p = places();
        let huojia = p.all.under(p.g, id("410724"));
        assert_eq!(huojia.capacity(), 29 + 11);
        let mut used = HashSet::new();
        let mut rng = Rng::new(9, 0);
        let mut names = HashSet::new();
        for _ in 0..40 {
            let a = p
                .draw_unused(&huojia, &mut used, &mut rng)
                .expect("one left");
            assert!(
                a.name.starts_with("获嘉县") || a.name.starts_with("新乡市获嘉县"),
                "{}",
                a.name
            );
            assert!(names.insert((a.region_code, a.body)));
        }
        assert!(p.draw_unused(&huojia, &mut used, &mut rng).is_none());
        let kangcun = p.all.under(p.g, id("410724106"));
        assert_eq!(kangcun.capacity(), 1);
        assert_eq!(p.all.under(p.g, id("410724400")).capacity(), 0);
    }
}
