/// Ordinary posts, written for this project in the languages and shapes the fediverse carries (prose, mentions,
/// hashtags, links, numbers, emoji), none of them spam or abuse. The prefilter scans them once per compiled database
/// to find gates that fire on ordinary text at nearly every character (see `Prefilter.noisy`): such a gate filters
/// nothing and costs a callback per match, so its pattern runs as PCRE2 instead.
enum OrdinaryText {
    /// The sample, one post per line.
    static let sample = """
        Good morning everyone! The train was late again, so I read a chapter of that novel about the lighthouse keeper.
        We are hiring two backend engineers for our small team in Lisbon; remote is fine. Details at https://jobs.example.org/backend
        Reminder: the community garden meets on Saturday at 10:30, bring gloves and water. #gardening #localfood
        @maria@social.example thanks for the recipe, the lentil soup turned out great 😊 my kids asked for seconds.
        Does anyone know a good tutorial on writing a parser by hand? I keep getting lost in the recursion.
        Photo of the sunset over the harbour yesterday evening, taken with an old phone. No filter, just luck.
        The city council voted 7 to 2 to extend the bike lane on Main Street through the end of 2027.
        Heute war ich mit meiner Schwester im Museum, die Ausstellung über Glaskunst ist wirklich sehenswert.
        Wir suchen noch Freiwillige für das Straßenfest am Sonntag, meldet euch bitte bis Freitag bei mir.
        Ce matin, le marché était plein de monde; j'ai acheté des pommes, du fromage et un bouquet de fleurs.
        Nous organisons une réunion publique jeudi soir à la bibliothèque pour parler du nouveau parc.
        Hoy llovió toda la tarde y aproveché para ordenar los libros de la estantería del salón.
        ¿Alguien sabe dónde puedo reparar una bicicleta antigua en el centro? Gracias de antemano.
        Acabei de terminar o relatório do projeto, agora vou tomar um café e descansar um pouco.
        Oggi ho cucinato la pasta con le zucchine del nostro orto, semplice ma buonissima.
        Vandaag fietste ik langs de rivier naar mijn werk, het was koud maar heel mooi weer.
        Dziś rano byłam na spacerze z psem w parku, wszystkie drzewa są już żółte i czerwone.
        Bugün işten sonra arkadaşlarla çay içip kitaplar hakkında uzun uzun konuştuk.
        Сегодня утром мы ходили в лес за грибами, нашли немного лисичек и одну большую берёзовую веточку.
        Завтра в библиотеке лекция об истории нашего города, вход свободный, приходите с детьми.
        Вчора ввечері ми дивилися старий фільм і пили чай з малиновим варенням.
        Σήμερα το πρωί πήγα για τρέξιμο δίπλα στη θάλασσα και ο καιρός ήταν υπέροχος.
        ذهبت اليوم إلى السوق واشتريت الخضار والفواكه الطازجة لعشاء العائلة.
        نلتقي يوم الخميس في المكتبة العامة لمناقشة الكتاب الجديد، الجميع مرحب بهم.
        امروز با دوستانم به کوه رفتیم و هوا خیلی خنک و دلپذیر بود.
        היום הלכנו לים עם הילדים, המים היו קרים אבל כולם נהנו מאוד.
        आज सुबह मैंने बगीचे में नए पौधे लगाए और शाम को दोस्तों के साथ चाय पी।
        আজ বিকেলে আমরা নদীর ধারে হাঁটতে গিয়েছিলাম, আকাশটা খুব সুন্দর ছিল।
        今天下午我们去公园散步，看到很多孩子在放风筝，天气非常好。
        明天图书馆有一个关于城市历史的讲座，欢迎大家带孩子一起来。
        今日は朝から雨だったので、家で本を読んだりお茶を飲んだりしてゆっくり過ごしました。
        来週の土曜日に駅前の広場で小さな音楽会があります。ぜひ来てください。
        오늘은 친구들과 함께 한강 공원에서 자전거를 타고 맛있는 점심을 먹었어요.
        다음 주 목요일에 도서관에서 독서 모임이 있으니 관심 있는 분들은 오세요.
        Hôm nay trời đẹp nên tôi đi dạo quanh hồ với gia đình và ăn kem.
        Hari ini saya memasak nasi goreng untuk keluarga, semuanya suka sekali.
        วันนี้ฉันไปตลาดกับแม่และซื้อผลไม้สดมาหลายอย่าง
        Leo tulienda sokoni kununua matunda na mboga kwa ajili ya chakula cha jioni.
        New blog post: what I learned migrating a 12-year-old PHP app to a modern framework (part 3 of 4) https://blog.example.net/2026/11/migration-part-3
        Release 4.2.1 fixes a crash when importing CSV files with empty lines; thanks to everyone who reported it!
        Meeting notes, 14:00–15:30: budget approved, next review on 2026-01-15, action items assigned to Sam and Priya.
        Listening to an old jazz record while it snows outside. Perfect Sunday. ☕️📚
        """
}
