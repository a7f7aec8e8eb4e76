public enum WarehouseInfo { public static let sqlFiles = EmbeddedSQL.files }
