"""Made-up text for made-up Children's Services Plans (scripts/make_plans.py). Nothing here is copied
from a real plan: each passage was written for this project, in the plain style plans use.

EVIDENCE[criterion]: sentences a plan writes when it meets that criterion (the labelled set's
"right passage"); WEAK[criterion]: what a plan writes when it only touches on it; DISTRACTORS: sentences
on the same topics that bear on no criterion's question (a data protection notice mentions data, a
budget for printing mentions a budget); FILLER: the general prose of any plan. "{p}" is the
partnership's name, "{q}" a neighbouring partnership's.
"""

EVIDENCE = {
    "1": ["Our shared vision is that every child and young person in {p} grows up loved, safe and respected, "
          "and realises their full potential.",
          "This ambition was agreed by all partners on the Children's Services Partnership board and by the children "
          "and young people who helped to write it.",
          "Every priority and action in the plan is traced back to this vision, so that partners can see what they "
          "are working towards together."],
    "2": ["The plan's outcomes are mapped to the National Performance Framework, in particular its national "
          "outcome that children and young people grow up loved, safe and respected.",
          "A table in the appendix shows, for each local priority, the national outcome and national indicator "
          "it contributes to.",
          "We report progress against the National Performance Framework indicators alongside our local measures."],
    "3": ["Our joint strategic needs assessment brought together population data, service data and the views of "
          "more than two thousand children, young people and parents.",
          "The needs assessment was carried out jointly by the council, the health board and the third sector, and "
          "identified child poverty, mental wellbeing and neurodevelopmental support as the greatest areas of need.",
          "The priorities of this plan follow directly from the strategic needs assessment's findings."],
    "4": ["We analysed quantitative data on child wellbeing, such as attendance, exclusions, child protection "
          "registrations and waiting times for mental health services, over the last five years.",
          "Qualitative data from surveys, focus groups and case file audits sits alongside the figures, so that "
          "trends are understood and not only counted.",
          "The analysis shows where outcomes are improving and where gaps between communities are widening."],
    "5": ["This plan sets out four priorities, kept deliberately few so that partners can deliver them well.",
          "Each priority has a measurable outcome with a baseline and a target for 2026, and each follows from a "
          "finding of the joint strategic needs assessment.",
          "Fewer, measurable priorities mean that progress can be reported honestly every year."],
    "6a": ["The plan covers every service provided directly to children: universal health visiting and school "
           "nursing, early learning and childcare, schools, children's social work, and child and adolescent "
           "mental health services.",
           "Specialist services for disabled children, care experienced young people and young carers are "
           "described with the support each provides.",
           "For each service the plan states who provides it and which priority it serves."],
    "6b": ["Related services that affect children's wellbeing are part of this plan too: adult mental health and "
           "addiction services, housing and homelessness services, employability and welfare rights advice.",
           "Adult services commit to asking whether the adults they support care for children, and to acting on the "
           "answer.",
           "Housing partners will prioritise families with children in temporary accommodation."],
    "7": ["Primary prevention comes first in this plan: partners invest in universal support that stops needs "
          "arising, such as parenting programmes and income maximisation for every new parent.",
          "Early intervention means acting at the first sign of need: the plan sets out a single point of access "
          "for early help without a referral threshold.",
          "We will shift resources over the three years from crisis services towards prevention and early "
          "intervention."],
    "8": ["Getting it right for every child (GIRFEC) remains the foundation of how partners work with children "
          "and families in {p}.",
          "The named person service, the child's plan and the lead professional are in place, and staff across "
          "services use the national practice model and the wellbeing indicators.",
          "A GIRFEC practice group audits child's plans each year to maintain the quality of practice."],
    "9": ["Children's rights, as set out in the United Nations Convention on the Rights of the Child (UNCRC), "
          "shaped this plan from the start.",
          "Each priority names the articles of the UNCRC it upholds, and partners completed a children's rights "
          "and wellbeing impact assessment of the plan.",
          "Children and young people are told about their rights and how to complain when rights are not met."],
    "10": ["Engagement did not stop when the plan was written: a children's panel and a parents' reference group "
           "meet every quarter and review progress with the partnership board.",
           "Staff from every service were consulted through workshops, and the wider community through an online "
           "survey and events in each locality.",
           "Partners will report back to children, young people and families on what changed because of their "
           "views."],
    "11": ["Our whole family support strategy offers help that is available, accessible and non-stigmatising, "
           "delivered in community hubs open to any family.",
           "Family support is built around the whole family, not only the child, and includes intensive family "
           "support for families at risk of separation.",
           "The strategy draws on the principles of holistic whole family support and the national funding for "
           "family support."],
    "12": ["The plan sets out the collective budget for children's services across the council, the health board "
           "and commissioned third sector partners: 212 million pounds in 2023-24.",
           "Partners have agreed how resources are used across the partnership, including a pooled fund for early "
           "help and joint commissioning of family support.",
           "A resource plan shows how spending will shift between services over the three years."],
    "13": ["Progress will be monitored with a set of indicators for each priority, combining national measures and "
           "local measures, each with its baseline.",
           "The indicators are reported to the partnership board every six months and published in the annual "
           "report, so that partners can evaluate what is working.",
           "Where an indicator does not move, the board asks for an evaluation of the actions behind it."],
    "14": ["Every action in the delivery plan is specific, measurable, achievable, relevant and time-bound: it "
           "names the lead officer, the measure, the target and the date by which it will be done.",
           "For example, by March 2025 the waiting time for a first appointment with child and adolescent mental "
           "health services will fall from 24 to 18 weeks.",
           "Actions that are not SMART were rewritten before the plan was approved."],
    "15": ["The plan links to the other national and local plans that shape children's services: the Local "
           "Outcomes Improvement Plan, the child poverty action report and the corporate parenting plan.",
           "It also links to the integration joint board's strategic plan, the local housing strategy and the "
           "Promise implementation plan.",
           "Each link says which actions are reported through which plan, to avoid duplication."],
}

WEAK = {
    "1": ["Partners want the best for children and young people in {p}."],
    "2": ["Our work supports national outcomes."],
    "3": ["Some information about local needs was gathered while the plan was written."],
    "4": ["Data will be gathered as the plan is delivered."],
    "5": ["The plan has a number of priorities across children's services."],
    "6a": ["Schools, health visitors and social work support children in {p}."],
    "6b": ["Adult services are also important for families."],
    "7": ["Partners value prevention."],
    "8": ["Staff follow Getting it right for every child."],
    "9": ["Partners respect children's rights."],
    "10": ["Children and families were asked for their views when the plan was drafted."],
    "11": ["Support is available to families."],
    "12": ["Partners contribute resources to children's services."],
    "13": ["Progress will be reported."],
    "14": ["Actions will be taken forward by partners."],
    "15": ["Other plans are also relevant."],
}

DISTRACTORS = [
    "The vision statement on the cover was designed by a local artist.",
    "A data protection officer reviews every information sharing agreement between partners.",
    "The budget for printing this plan was kept low by publishing it online.",
    "Resources such as leaflets and posters are available in community languages.",
    "The national performance of schools is published each December by the Scottish Government.",
    "An assessment of the partnership board's own governance is due next year.",
    "Needs of staff for training are collected through annual appraisals.",
    "Monitoring of the plan's web page shows how many people read it.",
    "Indicators of building condition are reported to the council's estates committee.",
    "The family support worker post in the library was advertised in May.",
    "Early in the year, the board met in a new venue.",
    "Prevention of fraud is covered by each partner's own financial rules.",
    "Engagement with the press is handled by the council's communications team.",
    "Children's rights officers from {q} visited to share their work.",
    "Links to the partners' websites are listed on the back cover.",
    "The plan's priorities were printed on a poster for staff rooms.",
    "Related services such as street lighting and roads are managed by the council.",
    "Specific dates for board meetings are published on the council's website.",
    "GIRFEC leaflets were reprinted in a larger font.",
    "The data in this plan were correct when it went to print.",
    "Each partner's own plan for its buildings is reviewed by its own board.",
    "Measurable improvements in recycling at council offices were reported last year.",
]

FILLER = [
    "Partners in {p} have a long history of working together for children and families.",
    "The partnership board meets every two months and is chaired in turn by the council and the health board.",
    "This section describes the local context in which children's services are delivered.",
    "The area includes towns, villages and rural communities with very different needs.",
    "Many families told us that they want help close to home, from people they already know.",
    "Staff across services have worked through a difficult period with great commitment.",
    "We are grateful to everyone who contributed to this plan.",
    "The plan will be reviewed every year and updated where needed.",
    "Partners share learning with colleagues in {q} and across Scotland through the Strategic Leads Network.",
    "Case studies in this plan have been changed so that no family can be identified.",
    "The board receives regular reports from each of its sub-groups.",
    "Third sector organisations are full members of the partnership.",
    "Young people chose the photographs used in this plan.",
    "The glossary at the end explains the terms used in this plan.",
]

# A sentence per criterion that uses its words but does not show what the criterion asks for: the
# hardest distractors (a reviewer would not count them).
NEAR_MISS = {
    "1": "The vision of the council's transport strategy is shared by its partners in the region.",
    "2": "The national framework for school buildings sets performance standards for heating and lighting.",
    "3": "An assessment of the needs of the council's vehicle fleet was carried out jointly with the fire service.",
    "4": "Data on library visits and quantitative data on parking are published quarterly by the council.",
    "5": "The priorities of the roads department are measurable and manageable, with a target for potholes.",
    "6a": "Services provided directly to the public at the council's contact centre include paying council tax.",
    "6b": "Adult education classes, housing repairs and community halls are run by related council departments.",
    "7": "Early intervention by the fire service prevents most chimney fires; prevention leaflets are posted each winter.",
    "8": "Getting it right for every customer is the motto of the council's complaints team.",
    "9": "Rights of way across farmland are protected by the council's access officers under the Convention.",
    "10": "Engagement with businesses on the town centre plan drew ownership from traders and the wider community.",
    "11": "Support for families visiting the leisure centre includes a family ticket and changing rooms.",
    "12": "Resources for the council's budget consultation, including the collective bargaining costs, are set out by finance.",
    "13": "Indicators of air quality are monitored and evaluated by environmental health, with progress reported yearly.",
    "14": "Specific, measurable, achievable, relevant and time-bound targets were set for staff appraisals in the finance team.",
    "15": "Links to national and local plans for tourism and reports on economic strategy are on the council's website.",
}
