"""The ready survey template: a public eco-civilization satisfaction and participation questionnaire in the four
blocks used in practice (awareness, participation, satisfaction, confidence), built as a new draft survey."""
from app.surveys import services
from app.surveys.models import QuestionKind, Survey, SurveyMode
from app.surveys.services import Texts

T = Texts
AGE_BANDS = [T("18–29岁", "18–29歲", "18–29"), T("30–44岁", "30–44歲", "30–44"), T("45–59岁", "45–59歲", "45–59"),
             T("60岁及以上", "60歲及以上", "60 and over")]
GENDERS = [T("男", "男", "Male"), T("女", "女", "Female")]
OCCUPATIONS = [T("机关事业单位", "機關事業單位", "Government or public institution"),
               T("企业职工", "企業職工", "Company employee"),
               T("个体经营", "個體經營", "Self-employed"), T("农民", "農民", "Farmer"), T("学生", "學生", "Student"),
               T("离退休", "離退休", "Retired"), T("其他", "其他", "Other")]
AWARE = [T("知道", "知道", "Yes"), T("听说过，但不太了解", "聽說過，但不太瞭解", "Heard of it, but don't know much"),
         T("不知道", "不知道", "No")]
CHANNELS = [T("电视、广播", "電視、廣播", "TV or radio"), T("报纸", "報紙", "Newspapers"),
            T("政府网站", "政府網站", "Government websites"),
            T("微信等新媒体", "微信等新媒體", "WeChat and other new media"),
            T("社区宣传", "社區宣傳", "Community notices and events"), T("其他", "其他", "Other")]
REPORTED = [T("反映过", "反映過", "Yes"), T("没有", "沒有", "No")]

# (section title, [(kind, text, options, extra)])
TEMPLATE = [
    (T("关于您", "關於您", "About you"), [
        (QuestionKind.DISTRICT, T("您常住在哪个县市区？", "您常住在哪個縣市區？", "Which district do you live in?"),
         None, {}),
        (QuestionKind.DEMOGRAPHIC, T("您的年龄", "您的年齡", "Your age"), AGE_BANDS, {}),
        (QuestionKind.DEMOGRAPHIC, T("您的性别", "您的性別", "Your gender"), GENDERS, {}),
        (QuestionKind.DEMOGRAPHIC, T("您的职业", "您的職業", "Your occupation"), OCCUPATIONS, {"required": False}),
    ]),
    (T("认知度", "認知度", "Awareness"), [
        (QuestionKind.SINGLE, T("您是否知道本市正在创建国家生态文明建设示范市？",
                                "您是否知道本市正在創建國家生態文明建設示範市？",
                                "Do you know that the city is working to become a national ecological civilization "
                                "demonstration city?"), AWARE, {}),
        (QuestionKind.MULTIPLE, T("您主要通过哪些渠道了解生态文明建设？（最多选3项）",
                                  "您主要通過哪些渠道瞭解生態文明建設？（最多選3項）",
                                  "Where do you mostly hear about ecological civilization building? (up to 3)"),
         CHANNELS, {"max_choices": 3, "required": False}),
    ]),
    (T("参与度", "參與度", "Participation"), [
        (QuestionKind.PARTICIPATION, T("过去一年，您是否参与过垃圾分类？", "過去一年，您是否參與過垃圾分類？",
                                       "In the past year, have you sorted your household waste?"), None, {}),
        (QuestionKind.PARTICIPATION, T("过去一年，您是否经常选择公交、骑行或步行等绿色出行方式？",
                                       "過去一年，您是否經常選擇公交、騎行或步行等綠色出行方式？",
                                       "In the past year, have you often travelled by bus, bicycle or on foot?"),
         None, {}),
        (QuestionKind.PARTICIPATION, T("过去一年，您是否参与过植树、河道清理等环保志愿活动？",
                                       "過去一年，您是否參與過植樹、河道清理等環保志願活動？",
                                       "In the past year, have you joined tree planting, river clean-ups or other "
                                       "environmental volunteering?"), None, {}),
        (QuestionKind.SINGLE, T("您是否向有关部门反映过生态环境问题？", "您是否向有關部門反映過生態環境問題？",
                                "Have you ever reported an environmental problem to the authorities?"), REPORTED, {}),
        (QuestionKind.SATISFACTION, T("您对所反映问题的处理结果是否满意？", "您對所反映問題的處理結果是否滿意？",
                                      "Were you satisfied with how the problem you reported was handled?"), None,
         {"condition": 0, "no_measure": True}),
    ]),
    (T("满意度", "滿意度", "Satisfaction"), [
        (QuestionKind.SATISFACTION, T("您对本地空气质量是否满意？", "您對本地空氣品質是否滿意？",
                                      "How satisfied are you with the local air quality?"), None, {}),
        (QuestionKind.SATISFACTION, T("您对本地河流、湖泊等水环境是否满意？", "您對本地河流、湖泊等水環境是否滿意？",
                                      "How satisfied are you with local rivers and lakes?"), None, {}),
        (QuestionKind.SATISFACTION, T("您对饮用水安全是否满意？", "您對飲用水安全是否滿意？",
                                      "How satisfied are you with the safety of drinking water?"), None, {}),
        (QuestionKind.SATISFACTION, T("您对城乡整体生态环境是否满意？", "您對城鄉整體生態環境是否滿意？",
                                      "How satisfied are you with the environment of towns and countryside overall?"),
         None, {}),
        (QuestionKind.SATISFACTION, T("您对政府在生态环境保护方面所做的工作是否满意？",
                                      "您對政府在生態環境保護方面所做的工作是否滿意？",
                                      "How satisfied are you with the government's work to protect the environment?"),
         None, {}),
    ]),
    (T("信心度", "信心度", "Confidence"), [
        (QuestionKind.RATING, T("您对本市建成国家生态文明建设示范市有多大信心？"
                                "（0 表示完全没有信心，10 表示非常有信心）",
                                "您對本市建成國家生態文明建設示範市有多大信心？"
                                "（0 表示完全沒有信心，10 表示非常有信心）",
                                "How confident are you that the city will become a demonstration city? "
                                "(0 not at all, 10 fully confident)"), None, {}),
        (QuestionKind.LONG_TEXT, T("您对本市生态文明建设有什么意见和建议？", "您對本市生態文明建設有什麼意見和建議？",
                                   "What would you suggest for the city's ecological civilization building?"), None,
         {"required": False}),
    ]),
]

INTRO = T("本问卷了解您对本市生态文明建设的认知、参与和满意程度，约需3分钟。问卷匿名填写，结果用于改进工作。",
          "本問卷瞭解您對本市生態文明建設的認知、參與和滿意程度，約需3分鐘。問卷匿名填寫，結果用於改進工作。",
          "This questionnaire asks how well you know, take part in and are satisfied with the city's ecological "
          "civilization building. It takes about 3 minutes, is anonymous, and its results are used to improve the "
          "work.")


def build_template(session, actor, *, mode: SurveyMode, title: Texts, **settings) -> Survey:
    """Create the template questionnaire as a new survey in the draft state."""
    survey = services.create_survey(session, actor, title=title, mode=mode.value, intro_zh_hans=INTRO.zh_hans,
                                    intro_zh_hant=INTRO.zh_hant, intro_en=INTRO.en, **settings)
    previous = None
    for section_title, questions in TEMPLATE:
        section = services.add_section(session, actor, survey, section_title)
        for kind, text, options, extra in questions:
            condition = previous.options[extra["condition"]].id if "condition" in extra else None
            previous = services.add_question(
                session, actor, section, kind=kind, text=text, options=options,
                required=extra.get("required", True), max_choices=extra.get("max_choices"),
                condition_option_id=condition,  # the follow-up is reported but stays outside the indicator rate
                measure=None if extra.get("no_measure") else services.STANDARD_MEASURE)
    session.flush()
    session.refresh(survey)
    return survey
