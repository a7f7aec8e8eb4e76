import Foundation

/// Time and identity as the registry records them.
public enum RegistryClock {
    /// Now, in Unix seconds UTC.
    public static func now() -> Int64 { Int64(Date().timeIntervalSince1970.rounded(.down)) }

    /// Who is acting: `$LIFECYCLE_USER` when set and non-empty, else the OS user name.
    public static func currentUser() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let user = environment["LIFECYCLE_USER"], !user.isEmpty { return user }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            let user = String(cString: name)
            if !user.isEmpty { return user }
        }
        for key in ["USER", "LOGNAME"] {
            if let user = environment[key], !user.isEmpty { return user }
        }
        return "uid \(geteuid())"
    }

    /// `2011-06-01T00:00:00Z` for an instant in Unix seconds.
    public static func iso(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = UTCText.civil(day: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let yearText = year >= 0 && year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
    }
}
