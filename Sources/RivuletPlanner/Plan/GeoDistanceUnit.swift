/// The units ksqlDB's GEO_DISTANCE measures in, as the earth's radius in each: kilometres
/// (also when the unit is NULL or not given) and miles, named in any case.
public enum GeoDistanceUnit {
    public static let kilometres = 6371.0
    static let miles = 3959.0
    private static let names: [(spelling: [UInt8], radius: Double)] =
        ["KM", "KILOMETER", "KILOMETERS", "KILOMETRE", "KILOMETRES"].map { (Array($0.utf8), kilometres) }
        + ["MI", "MILE", "MILES"].map { (Array($0.utf8), miles) }

    /// The earth's radius in the unit spelled by `bytes` (UTF-8), or nil for an unknown unit.
    public static func earthRadius(_ bytes: some Collection<UInt8>) -> Double? {
        names.first { name in
            name.spelling.count == bytes.count && zip(name.spelling, bytes).allSatisfy { $0 == $1 || $0 == $1 & 0xDF }
        }?.radius
    }

    public static func unknown(_ unit: String) -> String {
        "GEO_DISTANCE: wrong unit type '\(unit)'; valid units are 'KM' and 'MI'"
    }
}
