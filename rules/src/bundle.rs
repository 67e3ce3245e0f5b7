//! Every pack and city profile in one serializable value: what the browser carries (built
//! from the YAML files at compile time, so a broken pack fails the build, not the counter).

use serde::{Deserialize, Serialize};

use crate::Guide;
use crate::guide::BuildError;
use crate::pack::{CityFile, PackFile};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Bundle {
    pub cities: Vec<CityFile>,
    pub packs: Vec<PackFile>,
    /// The engine's own words in the bundle's language (Japanese when absent).
    #[serde(default, skip_serializing_if = "crate::Phrases::is_japanese")]
    pub phrases: crate::Phrases,
}

/// The packs and city profiles in one language (issue 22), as the browser fetches them for
/// the language a resident chose (`/lang/packs/<lang>.json`): every text with a current
/// translation in that language, the rest in Japanese and named in `fallback` (`pack:key`,
/// or `cities:key`) so the screen can mark them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalizedBundle {
    /// `easy-ja`, `en`, `zh-Hans`, `ko`, `vi` or `pt-BR`.
    pub lang: String,
    pub bundle: Bundle,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fallback: Vec<String>,
}

impl Bundle {
    pub fn pack(&self, id: &str) -> Option<&PackFile> {
        self.packs.iter().find(|p| p.id == id)
    }

    pub fn city(&self, id: &str) -> Option<&CityFile> {
        self.cities.iter().find(|c| c.id == id)
    }

    /// The guide for `pack` in `city`.
    pub fn guide(&self, pack: &str, city: &str) -> Result<Guide, Vec<BuildError>> {
        let missing = |what: &str, id: &str| {
            vec![BuildError {
                item: what.to_owned(),
                id: None,
                snippet: None,
                message: format!("there is no {what} {id:?}"),
            }]
        };
        let p = self.pack(pack).ok_or_else(|| missing("pack", pack))?;
        let c = self.city(city).ok_or_else(|| missing("city", city))?;
        let mut g = Guide::build(p, c)?;
        g.phrases = self.phrases.clone();
        Ok(g)
    }
}
