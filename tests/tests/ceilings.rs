//! Every payout path stays at or under its compute-unit ceiling
//! (`tests/src/ceilings.txt`), measured by the benchmark's own code on the
//! real `.so`, with both token programs.
use ilm_tests::bench::measure;
use ilm_tests::Flavor;

const CEILINGS: &str = include_str!("../src/ceilings.txt");

/// `(instruction, Token ceiling, Token-2022 ceiling)` per line.
fn ceilings() -> Vec<(&'static str, u64, u64)> {
    CEILINGS
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let [name, token, token22] = cells[..] else {
                panic!("ceilings.txt: {l:?} is not `instruction | Token | Token-2022`");
            };
            let number = |c: &str| c.parse().unwrap_or_else(|_| panic!("ceilings.txt: {c:?}"));
            (name, number(token), number(token22))
        })
        .collect()
}

#[test]
fn payout_paths_stay_under_their_ceilings() {
    let listed = ceilings();
    assert!(listed.len() >= 6, "every payout path has a ceiling");
    let mut over = Vec::new();
    for (flavor, column) in [(Flavor::Token, 1), (Flavor::Token2022, 2)] {
        let (measured, _) = measure(flavor);
        for &(name, token, token22) in &listed {
            let ceiling = if column == 1 { token } else { token22 };
            let cu = *measured.get(name).unwrap_or_else(|| {
                panic!("ceilings.txt names {name:?}, which the benchmark does not measure")
            });
            if cu > ceiling {
                over.push(format!("{name} ({flavor:?}): {cu} CU, ceiling {ceiling}"));
            }
        }
    }
    assert!(
        over.is_empty(),
        "over their ceilings: {over:?}; make the path cheaper, or raise its line in tests/src/ceilings.txt and say why in the commit"
    );
}
