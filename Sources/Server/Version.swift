/// The version this build of Palisade reports (`palisade version`, NodeInfo, the `Server` header).
public enum PalisadeVersion {
    /// Semantic version of this release.
    public static let current = "0.1.0"
}
