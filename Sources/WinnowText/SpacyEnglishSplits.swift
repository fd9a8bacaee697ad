/// The words spaCy 3.8.18's English tokenizer exceptions split although they hold only
/// letters, with the offsets of their cuts ("dont:2" → do nt, "cantve:2.4" → ca nt ve). Written by
/// Scripts/data/spacy_splits.py; case matters, as in spaCy (lowercase and title-case forms).
enum SpacyEnglishSplits {
    static let table: [String: [Int]] = Dictionary(uniqueKeysWithValues: """
        Aint:2 Arent:3 Cannot:3 Cant:2 Cantve:2.4 Couldnt:5 Couldntve:5.7 Couldve:5 Darent:4 Didnt:3
        Didntve:3.5 Doesnt:4 Doesntve:4.6 Dont:2 Dontve:2.4 Gonna:3 Gotta:3 Hadnt:3 Hadntve:3.5 Hasnt:3
        Havent:4 Hed:2 Hedve:2.3 Hellve:2.4 Hes:2 Howd:3 Howdve:3.4 Howll:3 Howllve:3.5 Howre:3 Hows:3
        Howve:3 Id:1 Idve:1.2 Illve:1.3 Im:1 Ima:1.2 Isnt:2 Itd:2 Itdve:2.3 Itll:2 Itllve:2.4 Ive:1 Maynt:3
        Mayntve:3.5 Mightnt:5 Mightntve:5.7 Mightve:5 Mustnt:4 Mustntve:4.6 Mustve:4 Neednt:4 Needntve:4.6
        Notve:3 Oughtnt:5 Oughtntve:5.7 Shant:3 Shantve:3.5 Shedve:3.4 Shellve:3.5 Shes:3 Shouldnt:6
        Shouldntve:6.8 Shouldve:6 Thatd:4 Thatdve:4.5 Thatll:4 Thatllve:4.6 Thats:4 Thered:5 Theredve:5.6
        Therell:5 Therellve:5.7 Therere:5 Theres:5 Thereve:5 Thesed:5 Thesedve:5.6 Thesell:5 Thesellve:5.7
        Thesere:5 Theseve:5 Theyd:4 Theydve:4.5 Theyll:4 Theyllve:4.6 Theyre:4 Theyve:4 Thisd:4 Thisdve:4.5
        Thisll:4 Thisllve:4.6 Thiss:4 Thosed:5 Thosedve:5.6 Thosell:5 Thosellve:5.7 Thosere:5 Thoseve:5
        Wasnt:3 Wed:2 Wedve:2.3 Wellve:2.4 Werent:4 Weve:2 Whatd:4 Whatdve:4.5 Whatll:4 Whatllve:4.6
        Whatre:4 Whats:4 Whatve:4 Whend:4 Whendve:4.5 Whenll:4 Whenllve:4.6 Whenre:4 Whens:4 Whenve:4
        Whered:5 Wheredve:5.6 Wherell:5 Wherellve:5.7 Wherere:5 Wheres:5 Whereve:5 Whod:3 Whodve:3.4 Wholl:3
        Whollve:3.5 Whos:3 Whove:3 Whyd:3 Whydve:3.4 Whyll:3 Whyllve:3.5 Whyre:3 Whys:3 Whyve:3 Wont:2
        Wontve:2.4 Wouldnt:5 Wouldntve:5.7 Wouldve:5 Youd:3 Youdve:3.4 Youll:3 Youllve:3.5 Youre:3 Youve:3
        aint:2 arent:3 cannot:3 cant:2 cantve:2.4 couldnt:5 couldntve:5.7 couldve:5 darent:4 didnt:3
        didntve:3.5 doesnt:4 doesntve:4.6 dont:2 dontve:2.4 gonna:3 gotta:3 hadnt:3 hadntve:3.5 hasnt:3
        havent:4 hed:2 hedve:2.3 hellve:2.4 hes:2 howd:3 howdve:3.4 howll:3 howllve:3.5 howre:3 hows:3
        howve:3 id:1 idve:1.2 illve:1.3 im:1 ima:1.2 isnt:2 itd:2 itdve:2.3 itll:2 itllve:2.4 ive:1 maynt:3
        mayntve:3.5 mightnt:5 mightntve:5.7 mightve:5 mustnt:4 mustntve:4.6 mustve:4 neednt:4 needntve:4.6
        notve:3 oughtnt:5 oughtntve:5.7 shant:3 shantve:3.5 shedve:3.4 shellve:3.5 shes:3 shouldnt:6
        shouldntve:6.8 shouldve:6 thatd:4 thatdve:4.5 thatll:4 thatllve:4.6 thats:4 thered:5 theredve:5.6
        therell:5 therellve:5.7 therere:5 theres:5 thereve:5 thesed:5 thesedve:5.6 thesell:5 thesellve:5.7
        thesere:5 theseve:5 theyd:4 theydve:4.5 theyll:4 theyllve:4.6 theyre:4 theyve:4 thisd:4 thisdve:4.5
        thisll:4 thisllve:4.6 thiss:4 thosed:5 thosedve:5.6 thosell:5 thosellve:5.7 thosere:5 thoseve:5
        wasnt:3 wed:2 wedve:2.3 wellve:2.4 werent:4 weve:2 whatd:4 whatdve:4.5 whatll:4 whatllve:4.6
        whatre:4 whats:4 whatve:4 whend:4 whendve:4.5 whenll:4 whenllve:4.6 whenre:4 whens:4 whenve:4
        whered:5 wheredve:5.6 wherell:5 wherellve:5.7 wherere:5 wheres:5 whereve:5 whod:3 whodve:3.4 wholl:3
        whollve:3.5 whos:3 whove:3 whyd:3 whydve:3.4 whyll:3 whyllve:3.5 whyre:3 whys:3 whyve:3 wont:2
        wontve:2.4 wouldnt:5 wouldntve:5.7 wouldve:5 yall:1 youd:3 youdve:3.4 youll:3 youllve:3.5 youre:3
        youve:3
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { entry in
        let parts = entry.split(separator: ":")
        return (String(parts[0]), parts[1].split(separator: ".").map { Int($0)! })
    })

    /// The longest of them.
    static let maxLength = table.keys.map(\.count).max() ?? 0
}
