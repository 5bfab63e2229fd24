//! The labelled agency names: at least 300, at least 98 % right, and no confident
//! wrong answer (a wrong code where the truth is another code, "ambiguous" or
//! "unresolved").

use gongkai_gazetteer::{gazetteer, resolve_agency, BodyKind, Outcome};

struct Case {
    name: String,
    expected: String,
    body: BodyKind,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    for file in [
        include_str!("agency_cases_generated.tsv"),
        include_str!("agency_cases_tricky.tsv"),
    ] {
        for line in file
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 3, "bad fixture line {line:?}");
            out.push(Case {
                name: cols[0].to_string(),
                expected: cols[1].to_string(),
                body: BodyKind::from_label(cols[2]).expect("known body kind"),
            });
        }
    }
    out
}

#[test]
fn labelled_agencies_resolve() {
    let g = gazetteer().unwrap();
    let cases = cases();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let mut right = 0usize;
    let mut confident_wrong = Vec::new();
    let mut misses = Vec::new();
    for case in &cases {
        let r = resolve_agency(g, &case.name);
        let got = match &r.outcome {
            Outcome::Resolved(id) => g.unit(*id).code.to_string(),
            Outcome::Ambiguous(_) => "ambiguous".to_string(),
            Outcome::Unresolved => "unresolved".to_string(),
        };
        if got == case.expected && r.body == case.body {
            right += 1;
        } else {
            let line = format!(
                "{}: expected {} {:?}, got {} {:?} ({})",
                case.name,
                case.expected,
                case.body,
                got,
                r.body,
                r.evidence.join(" | ")
            );
            if matches!(r.outcome, Outcome::Resolved(_)) {
                confident_wrong.push(line);
            } else {
                misses.push(line);
            }
        }
    }
    assert!(
        confident_wrong.is_empty(),
        "confident wrong: {confident_wrong:#?}"
    );
    eprintln!("{right}/{} right; not right: {misses:#?}", cases.len());
    // ≥ 98 % right, in integers: right * 100 >= 98 * total.
    assert!(
        right * 100 >= cases.len() * 98,
        "{right}/{} right; misses: {misses:#?}",
        cases.len()
    );
}

#[test]
fn named_examples() {
    let g = gazetteer().unwrap();
    let r = resolve_agency(g, "辉县市人民政府");
    let Outcome::Resolved(id) = r.outcome else {
        panic!("{:?}", r.outcome)
    };
    assert_eq!(g.unit(id).code, "410782");
    assert_eq!(g.path_names(id), "河南省 › 新乡市 › 辉县市");
    assert_eq!(r.body, BodyKind::Government);

    let r = resolve_agency(g, "瀍河回族区人民政府办公室");
    assert_eq!(r.outcome, Outcome::Resolved(g.by_code("410304").unwrap()));
    assert_eq!(r.body, BodyKind::GovernmentOffice);

    let r = resolve_agency(g, "鼓楼区人民政府");
    let Outcome::Ambiguous(candidates) = r.outcome else {
        panic!("{:?}", r.outcome)
    };
    let codes: Vec<&str> = candidates.iter().map(|&c| g.unit(c).code).collect();
    assert_eq!(codes, ["320106", "320302", "350102", "410204"]);

    let r = resolve_agency(g, "西工区城市改造办公室");
    assert_eq!(r.outcome, Outcome::Resolved(g.by_code("410303").unwrap()));
    assert_eq!(r.body_text, "城市改造办公室");
    assert!(r.evidence.iter().any(|e| e.contains("同名乡级单位")));
}

/// Every unit, written with its whole path (河南省新乡市辉县市人民政府), resolves to
/// itself, or is ambiguous when a sibling carries the same name; never to another.
#[test]
fn every_unit_resolves_by_its_full_path() {
    let g = gazetteer().unwrap();
    let mut resolved = 0usize;
    let mut ambiguous = 0usize;
    let mut wrong = Vec::new();
    for code in all_codes(g) {
        let id = g.by_code(code).unwrap();
        let unit = g.unit(id);
        let path: String = g.path(id).iter().map(|&p| g.unit(p).name).collect();
        let name = format!("{path}人民政府");
        match resolve_agency(g, &name).outcome {
            Outcome::Resolved(got) if got == id => resolved += 1,
            Outcome::Ambiguous(c) if c.contains(&id) => ambiguous += 1,
            // Institutions (a township-level unit named 林业局) are not read as places.
            Outcome::Resolved(got)
                if g.unit(got).code == g.unit(unit.parent.unwrap()).code
                    && ["局", "会", "处", "所", "公司", "中心"]
                        .iter()
                        .any(|s| unit.name.ends_with(s)) => {}
            other => wrong.push(format!("{name}: {other:?}")),
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong: {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(20)]
    );
    assert_eq!(
        resolved + ambiguous + 337,
        g.len(),
        "{resolved} resolved, {ambiguous} ambiguous"
    );
}

fn all_codes(g: &gongkai_gazetteer::Gazetteer) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut stack: Vec<u32> = Vec::new();
    for code in [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65",
    ] {
        stack.push(g.by_code(code).unwrap());
    }
    while let Some(id) = stack.pop() {
        out.push(g.unit(id).code);
        stack.extend_from_slice(g.children(id));
    }
    out
}
