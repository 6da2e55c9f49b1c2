//! The merchant's integration settings, from a TOML file and command-line
//! flags (flags win; a list given on the command line replaces the list of
//! the defaults or the file, it does not add to it).
//!
//! The file is [`IntegrationSettings`] in TOML:
//!
//! ```toml
//! warehouse_code = "BERGEN-NJ-01"
//! product_identification = "sku"        # or "barcode"
//! test_mode = false                     # true: ASNs of type Test
//! auto_process = true                   # process returns that meet the criteria
//! excluded_sales_channels = ["Amazon"]  # matched ignoring case and spaces
//!
//! [receipt_criteria]
//! damaged_tolerance = 0
//! allow_over_receipt = false
//! shortage = "flag"                     # or { wait_days = 3 }
//! ```

use std::path::{Path, PathBuf};

use returns_core::exclusion::normalize_channel;
use returns_core::{IntegrationSettings, ProductIdentification};

/// Settings flags shared by every example.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SettingsArgs {
    /// TOML file with the integration settings (see the README).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Warehouse code the ASNs are routed to [env: CLOUDX_WAREHOUSE_CODE].
    #[arg(long, value_name = "CODE")]
    pub warehouse: Option<String>,
    /// How items are matched to the warehouse item master.
    #[arg(long, value_enum, value_name = "KEY")]
    pub identify_by: Option<Identify>,
    /// Create ASNs of type Test instead of Return.
    #[arg(long)]
    pub test_mode: bool,
    /// Sales channel whose returns are skipped (repeat for several). Given at
    /// least once, the flags replace the channels of the defaults and of the
    /// settings file.
    #[arg(long = "exclude-channel", value_name = "NAME")]
    pub excluded_channels: Vec<String>,
    /// Leave returns that meet the criteria for a person to process.
    #[arg(long)]
    pub no_auto_process: bool,
}

/// The `--identify-by` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Identify {
    /// By SKU.
    Sku,
    /// By barcode (UPC).
    Barcode,
}

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SettingsLoadError {
    /// The file could not be read.
    #[error("cannot read settings file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid settings TOML.
    #[error("settings file {path} is invalid: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// What toml said (with line and column).
        source: toml::de::Error,
    },
    /// The resulting settings break a rule.
    #[error(transparent)]
    Invalid(#[from] returns_core::SettingsError),
}

impl SettingsArgs {
    /// The settings: `default` (what the example chooses when nothing is
    /// given), replaced by the file if one is named, then by the flags;
    /// finally validated.
    ///
    /// A flag replaces the value of the same setting, lists included: one
    /// `--exclude-channel eBay` makes the excluded channels exactly `eBay`,
    /// whatever the defaults or the file listed. A channel repeated on the
    /// command line (ignoring case and surrounding spaces, as matching does)
    /// is kept once.
    ///
    /// # Errors
    /// An unreadable or invalid file, or settings that break a rule (every
    /// problem listed).
    pub fn resolve(
        &self,
        default: IntegrationSettings,
        warehouse_from_env: Option<String>,
    ) -> Result<IntegrationSettings, SettingsLoadError> {
        let mut settings = match &self.config {
            Some(path) => load_file(path)?,
            None => default,
        };
        if let Some(code) = self.warehouse.clone().or(warehouse_from_env) {
            settings.warehouse_code = code;
        }
        if let Some(identify) = self.identify_by {
            settings.product_identification = match identify {
                Identify::Sku => ProductIdentification::Sku,
                Identify::Barcode => ProductIdentification::Barcode,
            };
        }
        if self.test_mode {
            settings.test_mode = true;
        }
        if self.no_auto_process {
            settings.auto_process = false;
        }
        if !self.excluded_channels.is_empty() {
            let mut seen = std::collections::HashSet::new();
            settings.excluded_sales_channels = self
                .excluded_channels
                .iter()
                .filter(|channel| seen.insert(normalize_channel(channel)))
                .cloned()
                .collect();
        }
        settings.validate()?;
        Ok(settings)
    }
}

/// Reads settings from a TOML file.
///
/// # Errors
/// When the file cannot be read or parsed.
pub fn load_file(path: &Path) -> Result<IntegrationSettings, SettingsLoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsLoadError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| SettingsLoadError::Parse {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> IntegrationSettings {
        IntegrationSettings::new("BERGEN-NJ-01").with_auto_process(true)
    }

    #[test]
    fn flags_override_the_defaults() {
        let args = SettingsArgs {
            warehouse: Some("BERGEN-CA-02".into()),
            identify_by: Some(Identify::Barcode),
            test_mode: true,
            excluded_channels: vec!["Amazon".into()],
            no_auto_process: true,
            ..SettingsArgs::default()
        };
        let settings = args.resolve(defaults(), Some("FROM-ENV".into())).unwrap();
        assert_eq!(settings.warehouse_code, "BERGEN-CA-02");
        assert_eq!(
            settings.product_identification,
            ProductIdentification::Barcode
        );
        assert!(settings.test_mode);
        assert!(!settings.auto_process);
        assert_eq!(settings.excluded_sales_channels, ["Amazon"]);
    }

    #[test]
    fn excluded_channel_flags_replace_the_default_list() {
        let defaults = defaults().with_excluded_sales_channels(["Amazon"]);
        let args = SettingsArgs {
            excluded_channels: vec!["eBay".into()],
            ..SettingsArgs::default()
        };
        let settings = args.resolve(defaults.clone(), None).unwrap();
        assert_eq!(settings.excluded_sales_channels, ["eBay"]);

        // The reported case: the default repeated on the command line.
        let args = SettingsArgs {
            excluded_channels: vec!["Amazon".into(), "eBay".into(), " amazon ".into()],
            ..SettingsArgs::default()
        };
        let settings = args.resolve(defaults.clone(), None).unwrap();
        assert_eq!(settings.excluded_sales_channels, ["Amazon", "eBay"]);

        // No flag: the defaults stand.
        let settings = SettingsArgs::default().resolve(defaults, None).unwrap();
        assert_eq!(settings.excluded_sales_channels, ["Amazon"]);
    }

    #[test]
    fn excluded_channel_flags_replace_the_file_list() {
        let dir = std::env::temp_dir().join(format!("settings-list-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("settings.toml");
        std::fs::write(
            &path,
            "warehouse_code = \"BERGEN-NJ-01\"\nexcluded_sales_channels = [\"Amazon\", \"Wholesale\"]\n",
        )
        .unwrap();
        let from_file = SettingsArgs {
            config: Some(path.clone()),
            ..SettingsArgs::default()
        };
        assert_eq!(
            from_file
                .resolve(defaults(), None)
                .unwrap()
                .excluded_sales_channels,
            ["Amazon", "Wholesale"]
        );
        let with_flag = SettingsArgs {
            config: Some(path),
            excluded_channels: vec!["eBay".into()],
            ..SettingsArgs::default()
        };
        assert_eq!(
            with_flag
                .resolve(defaults(), None)
                .unwrap()
                .excluded_sales_channels,
            ["eBay"]
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_command_line_parses_repeated_channels_into_one_list() {
        use clap::Parser;
        #[derive(Debug, clap::Parser)]
        struct Cli {
            #[command(flatten)]
            settings: SettingsArgs,
        }
        let cli = Cli::try_parse_from([
            "example",
            "--exclude-channel",
            "eBay",
            "--exclude-channel",
            "Etsy",
        ])
        .unwrap();
        let defaults = defaults().with_excluded_sales_channels(["Amazon"]);
        let settings = cli.settings.resolve(defaults, None).unwrap();
        assert_eq!(settings.excluded_sales_channels, ["eBay", "Etsy"]);
    }

    #[test]
    fn the_environment_names_the_warehouse_when_no_flag_does() {
        let settings = SettingsArgs::default()
            .resolve(defaults(), Some("FROM-ENV".into()))
            .unwrap();
        assert_eq!(settings.warehouse_code, "FROM-ENV");
    }

    #[test]
    fn a_file_replaces_the_defaults_and_the_readme_sample_parses() {
        let dir = std::env::temp_dir().join(format!("settings-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("settings.toml");
        let readme = include_str!("../../README.md");
        let sample = readme
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("the README shows a settings file");
        std::fs::write(&path, sample).unwrap();
        let args = SettingsArgs {
            config: Some(path),
            ..SettingsArgs::default()
        };
        let settings = args.resolve(defaults(), None).unwrap();
        assert!(!settings.warehouse_code.is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn invalid_settings_list_every_problem() {
        let args = SettingsArgs {
            warehouse: Some(" ".into()),
            excluded_channels: vec!["".into()],
            ..SettingsArgs::default()
        };
        let error = args.resolve(defaults(), None).unwrap_err();
        let SettingsLoadError::Invalid(invalid) = error else {
            panic!("expected a validation error");
        };
        assert_eq!(invalid.problems.len(), 2, "{invalid}");
    }

    #[test]
    fn a_bad_file_names_the_line() {
        let dir = std::env::temp_dir().join(format!("settings-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.toml");
        std::fs::write(&path, "warehouse_code = \"X\"\ntest_mode = \"yes\"\n").unwrap();
        let error = load_file(&path).unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
