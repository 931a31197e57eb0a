/// The Almagest release, recorded in every run.
public enum Almagest {
    public static let version = "0.1.0"
}
