//! Articles in non-Latin scripts, under a footer in another language (as the seeds have a Russian
//! footer under English articles): the article's body is content and the footer is not, as HTML
//! and as plain-text lines.

use parasift::{Document, Label, Model};

struct Page {
    lang: &'static str,
    title: &'static str,
    body: [&'static str; 4],
}

const PAGES: [Page; 3] = [
    Page {
        lang: "ru",
        title: "Правительство утвердило новую программу развития региональных аэропортов",
        body: [
            "Правительство России утвердило программу модернизации региональных аэропортов до 2030 года. Как сообщили в министерстве транспорта, в нее вошли сорок два аэропорта в Сибири, на Урале и Дальнем Востоке.",
            "По словам заместителя министра, основная часть средств пойдет на реконструкцию взлетно-посадочных полос и строительство новых терминалов. Первые работы начнутся уже весной следующего года.",
            "Эксперты отмечают, что многие региональные аэропорты не ремонтировались с советских времен. «Без серьезных вложений часть из них придется закрыть в ближайшие годы», — заявил аналитик отрасли.",
            "Жители отдаленных районов давно жалуются на нерегулярные рейсы и высокие цены на билеты. Власти рассчитывают, что после обновления инфраструктуры авиакомпании смогут открыть новые маршруты.",
        ],
    },
    Page {
        lang: "zh",
        title: "多地出台新政策支持新能源汽车下乡",
        body: [
            "近日，多个省份相继出台政策，鼓励新能源汽车进入农村市场。根据新政策，农村居民购买符合条件的新能源汽车，可以享受一定金额的补贴，部分地区还将减免停车和充电费用。",
            "业内人士表示，农村地区充电设施不足一直是制约新能源汽车推广的主要原因。为此，各地计划在未来两年内新建大量公共充电桩，覆盖主要乡镇和交通干线。",
            "一位汽车经销商说，今年以来到店咨询新能源车型的农村顾客明显增多，很多人最关心的是续航里程和售后服务。他认为，补贴政策将进一步提升消费者的购买意愿。",
            "专家指出，新能源汽车下乡不仅有助于扩大内需，也能推动农村地区的绿色低碳发展。但同时也需要加强电网建设，确保用电安全和供电稳定。",
        ],
    },
    Page {
        lang: "ar",
        title: "افتتاح أكبر محطة لتحلية المياه في المنطقة بطاقة إنتاجية قياسية",
        body: [
            "افتتحت الحكومة يوم الثلاثاء أكبر محطة لتحلية مياه البحر في المنطقة، بطاقة إنتاجية تصل إلى مليون متر مكعب يوميا، في خطوة تهدف إلى تأمين احتياجات المدن الساحلية من مياه الشرب.",
            "وقال وزير المياه خلال حفل الافتتاح إن المشروع استغرق أربع سنوات من العمل المتواصل، وإن المحطة تعتمد على الطاقة الشمسية في تشغيل جزء كبير من وحداتها، مما يقلل من تكاليف الإنتاج.",
            "ويرى خبراء أن المشروع يمثل تحولا مهما في إدارة الموارد المائية، خاصة في ظل تراجع منسوب المياه الجوفية وتزايد عدد السكان خلال العقدين الماضيين.",
            "ومن المتوقع أن تبدأ المحطة في ضخ المياه إلى شبكات التوزيع بشكل كامل بحلول نهاية العام الجاري، على أن تتبعها مشاريع مماثلة في مناطق أخرى من البلاد.",
        ],
    },
];

/// The foreign footer: an aggregator's lines and related headlines, in English.
const FOOTER: [&str; 5] = [
    "More news from our partners",
    "Stocks rally as investors weigh new inflation data",
    "Ten things you did not know about electric cars",
    "World News Today — live news from around the world, 24 hours a day!",
    "© 2025 World News Today. All rights reserved.",
];

fn html(p: &Page) -> String {
    let mut s = format!(
        "<html lang=\"{}\"><body><header><nav><ul><li><a href=\"/\">Home</a></li>\
         <li><a href=\"/world\">World</a></li></ul></nav></header><main><article>\
         <h1>{}</h1>",
        p.lang, p.title
    );
    for b in p.body {
        s += &format!("<p>{b}</p>");
    }
    s += "</article></main><footer><div class=\"partners\">";
    for f in FOOTER {
        s += &format!("<p><a href=\"/x\">{f}</a></p>");
    }
    s + "</div></footer></body></html>"
}

fn text(p: &Page) -> String {
    let mut lines = vec![p.title];
    lines.extend(p.body);
    lines.extend(FOOTER);
    lines.join("\n")
}

fn check(doc: &Document, lang: &str) {
    let model = Model::embedded().unwrap();
    let pred = model.classify(doc);
    let labels: Vec<(&str, Label)> = doc
        .paragraphs
        .iter()
        .zip(pred.paragraphs())
        .map(|(p, x)| (p.text.as_str(), x.label()))
        .collect();
    for (t, l) in &labels {
        let body = PAGES.iter().any(|p| p.body.contains(t));
        let footer = FOOTER.contains(t);
        if body {
            assert_eq!(*l, Label::Content, "{lang}: body {t:?} in {labels:?}");
        }
        if footer {
            assert_eq!(*l, Label::Boilerplate, "{lang}: footer {t:?} in {labels:?}");
        }
    }
}

#[test]
fn non_latin_articles_keep_their_body_under_a_foreign_footer() {
    for p in &PAGES {
        check(&Document::from_html(p.lang, &html(p)), p.lang);
        check(&Document::from_text(p.lang, &text(p)), p.lang);
    }
}
