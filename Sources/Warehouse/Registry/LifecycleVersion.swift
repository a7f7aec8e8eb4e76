/// The version of this build of lifecycle, recorded in every model snapshot it trains
/// (`model_snapshots.code_version`) so a snapshot says which code made it.
public enum LifecycleVersion {
    /// The release version, bumped with each release.
    public static let current = "0.1.0"
}
