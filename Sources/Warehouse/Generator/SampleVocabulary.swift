// Word lists for the synthetic gift shop: categories and their goods, design collections,
// colours, countries. Changing any list changes the generated files (but never their layout).

enum SampleVocabulary {
    /// A kind of goods: its share of the catalogue, its seasonal demand by month (January
    /// first), and its products' nouns with a price tier (0 cheap, 1 middling, 2 dear).
    struct Category {
        let name: String
        let share: Double
        let season: [Double]
        let nouns: [(noun: String, tier: Int)]
    }

    static let flat: [Double] = Array(repeating: 1, count: 12)

    static let categories: [Category] = [
        Category(name: "kitchen", share: 1.4, season: flat, nouns: [
            ("CAKE CASES", 0), ("CAKE TINS", 1), ("MUG", 0), ("TEACUP AND SAUCER", 1), ("JAM JAR", 0),
            ("LUNCH BOX", 1), ("TEA TOWEL", 0), ("BAKING SET", 1), ("CUTLERY SET", 1), ("STORAGE JAR", 1),
            ("EGG CUP", 0), ("APRON", 1), ("OVEN GLOVE", 0), ("PLATE", 0), ("BOWL", 0), ("BREAD BIN", 2),
            ("BISCUIT TIN", 1), ("TEAPOT", 2), ("SPOON SET", 0), ("RECIPE BOX", 1), ("MILK JUG", 1),
            ("CAKE STAND", 2), ("CHOPPING BOARD", 1), ("JELLY MOULDS", 0),
        ]),
        Category(name: "christmas", share: 0.8,
                 season: [0.15, 0.1, 0.1, 0.1, 0.15, 0.2, 0.35, 0.6, 1.6, 2.8, 3.5, 2.2], nouns: [
            ("CHRISTMAS DECORATION", 0), ("BAUBLE", 0), ("ADVENT CALENDAR", 1), ("CHRISTMAS STOCKING", 1),
            ("TREE TOPPER", 1), ("CHRISTMAS CRACKERS", 1), ("STAR GARLAND", 0), ("REINDEER ORNAMENT", 0),
            ("SNOWFLAKE DECORATION", 0), ("CHRISTMAS LIGHTS", 2), ("GIFT TAGS", 0), ("ANGEL DECORATION", 0),
            ("CHRISTMAS WREATH", 2), ("NATIVITY SET", 2), ("HANGING SANTA", 0),
        ]),
        Category(name: "lighting", share: 0.9, season: flat, nouns: [
            ("T-LIGHT HOLDER", 0), ("LANTERN", 1), ("CANDLE", 0), ("TEALIGHTS", 0), ("NIGHT LIGHT", 1),
            ("TABLE LAMP", 2), ("CANDLE POT", 0), ("STRING LIGHTS", 1), ("CHANDELIER", 2),
            ("LIGHT GARLAND", 1), ("CANDLESTICK", 1), ("HURRICANE LAMP", 2),
        ]),
        Category(name: "bags", share: 0.9, season: flat, nouns: [
            ("JUMBO BAG", 0), ("SHOPPER BAG", 0), ("LUNCH BAG", 0), ("CHARLOTTE BAG", 0), ("TOTE BAG", 1),
            ("PURSE", 1), ("COIN PURSE", 0), ("BEACH BAG", 1), ("RUCKSACK", 2), ("GIFT BAG", 0),
            ("STORAGE BAG", 0), ("SHOULDER BAG", 1),
        ]),
        Category(name: "stationery", share: 1.0, season: flat, nouns: [
            ("NOTEBOOK", 0), ("GREETING CARD", 0), ("BIRTHDAY CARD", 0), ("WRAPPING PAPER", 0),
            ("PENCILS", 0), ("STICKER SHEET", 0), ("PHOTO ALBUM", 1), ("ADDRESS BOOK", 1), ("DIARY", 1),
            ("ERASERS", 0), ("PEN", 0), ("MEMO BOARD", 1), ("ENVELOPES", 0), ("WRITING SET", 1),
        ]),
        Category(name: "home", share: 1.4, season: flat, nouns: [
            ("PHOTO FRAME", 1), ("WALL CLOCK", 2), ("ALARM CLOCK", 1), ("CUSHION COVER", 1), ("DOORMAT", 2),
            ("COAT HANGER", 0), ("HANGING HEART", 0), ("WALL SIGN", 0), ("MIRROR", 1), ("DRAWER KNOB", 0),
            ("TRINKET BOX", 0), ("VASE", 1), ("COAT RACK", 2), ("HOOK", 0), ("DOORSTOP", 1), ("THROW", 2),
            ("WALL ART", 1), ("PLANT HANGER", 0),
        ]),
        Category(name: "party", share: 0.8,
                 season: [0.9, 1.0, 1.0, 1.1, 1.2, 1.3, 1.3, 1.1, 0.9, 0.9, 1.0, 1.0], nouns: [
            ("PAPER CUPS", 0), ("PAPER PLATES", 0), ("NAPKINS", 0), ("PARTY BUNTING", 1), ("BALLOONS", 0),
            ("PARTY BAGS", 0), ("BIRTHDAY CANDLES", 0), ("STRAWS", 0), ("CONFETTI", 0), ("PARTY HATS", 0),
            ("TABLE CLOTH", 1), ("PINATA", 1),
        ]),
        Category(name: "garden", share: 0.7,
                 season: [0.5, 0.6, 1.3, 1.7, 1.8, 1.6, 1.3, 1.0, 0.7, 0.5, 0.4, 0.4], nouns: [
            ("PLANT POT", 0), ("WATERING CAN", 1), ("BIRD FEEDER", 1), ("GARDEN SIGN", 0), ("WIND CHIME", 1),
            ("SEED TIN", 0), ("HERB MARKERS", 0), ("GARDEN KNEELER", 1), ("BIRD HOUSE", 1), ("PLANTER", 2),
            ("GARDEN GLOVES", 0), ("PARASOL", 2),
        ]),
        Category(name: "toys", share: 0.9, season: flat, nouns: [
            ("DOLL", 1), ("JIGSAW", 0), ("BUILDING BLOCKS", 1), ("SKIPPING ROPE", 0), ("TOY TEA SET", 1),
            ("SOFT TOY", 1), ("PLAYHOUSE", 1), ("SPINNING TOP", 0), ("COLOURING SET", 0), ("KITE", 1),
            ("MARBLES", 0), ("MAGIC SET", 1), ("PLAYING CARDS", 0), ("NESTING BOXES", 1),
        ]),
        Category(name: "bath", share: 0.7,
                 season: [1.5, 1.3, 1.0, 0.8, 0.7, 0.6, 0.6, 0.7, 1.0, 1.3, 1.4, 1.3], nouns: [
            ("HOT WATER BOTTLE", 1), ("HAND WARMER", 0), ("WASH BAG", 1), ("SOAP DISH", 0), ("TOWEL", 1),
            ("TISSUES", 0), ("PLASTERS IN TIN", 0), ("BATH SALTS", 0), ("MAKE UP BAG", 1),
            ("TOOTHBRUSH HOLDER", 0), ("BATH SPONGE", 0),
        ]),
        Category(name: "accessories", share: 0.7, season: flat, nouns: [
            ("NECKLACE", 1), ("BRACELET", 0), ("EARRINGS", 0), ("HAIR CLIP", 0), ("HAIR BAND", 0),
            ("KEY RING", 0), ("KEY FOB", 0), ("BROOCH", 0), ("UMBRELLA", 1), ("PURSE MIRROR", 0),
            ("SCARF", 1), ("SUNGLASSES CASE", 0),
        ]),
        Category(name: "storage", share: 0.9, season: flat, nouns: [
            ("STORAGE BOX", 1), ("WICKER BASKET", 1), ("TIN", 0), ("HAT BOX", 1), ("GLASS BOTTLE", 0),
            ("CHEST OF DRAWERS", 2), ("CRATE", 1), ("LAUNDRY BAG", 1), ("TRUNK", 2), ("JEWELLERY BOX", 1),
            ("MAGAZINE RACK", 2), ("SHOE BOX", 0),
        ]),
    ]

    /// First words of a design collection ("REGENCY" in "REGENCY ROSE").
    static let styles: [String] = [
        "RED", "BLUE", "PINK", "GREEN", "IVORY", "VINTAGE", "RETRO", "REGENCY", "ANTIQUE", "FRENCH",
        "ENGLISH", "SCANDINAVIAN", "MOROCCAN", "PARISIENNE", "BAROQUE", "RUSTIC", "COUNTRY", "KNITTED",
        "ENAMEL", "WOODEN", "GLASS", "ZINC", "CERAMIC", "FELTCRAFT", "PAPER", "SILVER", "GOLD", "PASTEL",
        "FOLK", "GINGHAM",
    ]

    /// Second words of a design collection ("ROSE" in "REGENCY ROSE").
    static let motifs: [String] = [
        "RETROSPOT", "POLKADOT", "PAISLEY", "ROSE", "WOODLAND", "SKULLS", "UNION JACK", "HEART", "STAR",
        "BIRD", "OWL", "SPACEBOY", "DOLLY GIRL", "BUTTERFLY", "STRAWBERRY", "CHERRY", "LEAF", "SNOWFLAKE",
        "LOVEBIRD", "CIRCUS", "DAISY", "PANTRY", "FLORAL", "STRIPE", "DOILY", "LACE", "TOADSTOOL", "BUNNY",
        "SWALLOW", "LONDON", "PARIS", "GARDEN", "SEASIDE", "TEATIME", "FAIRY", "ROBOT", "DINOSAUR",
        "PIRATE", "BALLERINA", "CAMPER VAN",
    ]

    /// Colours of the variants within a product family.
    static let colours: [String] = [
        "RED", "BLUE", "PINK", "GREEN", "WHITE", "BLACK", "IVORY", "CREAM", "YELLOW", "PURPLE", "ORANGE",
        "TURQUOISE", "LILAC", "SILVER", "GOLD", "AQUA", "GREY", "BROWN",
    ]

    /// Size or pack words put before a product name.
    static let prefixes: [String] = [
        "SET OF 3 ", "SET OF 6 ", "PACK OF 12 ", "SET 2 ", "SMALL ", "LARGE ", "JUMBO ", "MINI ",
        "SET OF 4 ", "PACK OF 60 ", "DOUBLE ",
    ]

    /// Size words put after a comma ("HEART, LARGE").
    static let sizes: [String] = ["LARGE", "SMALL", "MEDIUM", "MINI", "GIANT"]

    /// Unit prices in pence, by tier, each with a weight.
    static let pricePoints: [[(pence: Int, weight: Double)]] = [
        [(19, 1), (21, 2), (29, 3), (39, 3), (42, 5), (55, 5), (65, 6), (72, 3), (79, 3), (83, 3), (85, 8),
         (125, 8), (145, 5), (165, 6), (169, 3), (195, 4), (210, 3)],
        [(125, 3), (145, 3), (165, 5), (195, 5), (208, 2), (210, 4), (225, 3), (249, 3), (255, 6), (295, 6),
         (325, 4), (339, 3), (375, 6), (415, 3), (425, 5), (495, 5), (595, 3), (675, 2)],
        [(495, 3), (595, 4), (675, 3), (795, 5), (850, 5), (995, 4), (1_275, 3), (1_495, 3), (1_695, 2),
         (1_800, 1), (2_495, 1), (3_995, 0.5)],
    ]

    /// Countries of registered customers, with their share of customers (the dump's
    /// customer counts). None holds a comma, so the files never quote a country.
    static let countries: [(name: String, weight: Double)] = [
        ("United Kingdom", 3_950), ("Germany", 95), ("France", 87), ("Spain", 31), ("Belgium", 25),
        ("Switzerland", 21), ("Portugal", 19), ("Italy", 15), ("Finland", 12), ("Austria", 11),
        ("Norway", 10), ("Netherlands", 9), ("Denmark", 9), ("Channel Islands", 9), ("Australia", 9),
        ("Sweden", 8), ("Japan", 8), ("Cyprus", 8), ("Poland", 6), ("Unspecified", 4), ("USA", 4),
        ("Israel", 4), ("Greece", 4), ("Canada", 4), ("EIRE", 3), ("United Arab Emirates", 2),
        ("Malta", 2), ("Bahrain", 2), ("Singapore", 1), ("Saudi Arabia", 1), ("RSA", 1),
        ("Lithuania", 1), ("Lebanon", 1), ("Iceland", 1), ("European Community", 1),
        ("Czech Republic", 1), ("Brazil", 1), ("Hong Kong", 1),
    ]

    /// Countries of guest (anonymous) orders, with weights.
    static let guestCountries: [(name: String, weight: Double)] = [
        ("United Kingdom", 3_637), ("EIRE", 41), ("Hong Kong", 15), ("Unspecified", 5), ("Israel", 3),
        ("France", 3), ("Switzerland", 3), ("Bahrain", 2), ("Portugal", 1),
    ]

    /// Postage per parcel in pence for a country outside the United Kingdom: 18.00 within Europe,
    /// 40.00 beyond it, 15.00 for the islands.
    static func postagePence(country: String) -> Int {
        switch country {
        case "Channel Islands", "EIRE": return 1_500
        case "Australia", "Japan", "USA", "Canada", "Singapore", "Hong Kong", "Brazil", "Israel",
             "Bahrain", "Saudi Arabia", "United Arab Emirates", "Lebanon", "RSA":
            return 4_000
        default: return 1_800
        }
    }

    /// Event devices and their shares.
    static let devices: [(name: String, weight: Double)] = [("desktop", 0.46), ("mobile", 0.42), ("tablet", 0.12)]
}
