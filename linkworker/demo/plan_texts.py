"""Words for demo support plans, reviews and case notes, by need.

Short phrases of the kind a link worker writes after a "what matters to me" conversation:
what matters to the person (in their words), goals, agreed actions (who does what), how
things went at a review, and the odd note between contacts. Nobody is named; services are
described, never called by the name of a real organisation or place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NeedTexts:
    matters: tuple[str, ...]  # what matters to the person, in their words
    goals: tuple[str, ...]
    actions: tuple[str, ...]  # agreed actions: who does what
    progress: tuple[str, ...]  # how it is going, at a review
    notes: tuple[str, ...]  # notes between contacts


NEED_TEXTS: dict[str, NeedTexts] = {
    "loneliness": NeedTexts(
        (
            "Having someone to talk to; the days feel very long since moving here.",
            "Getting out of the house more and seeing people again.",
        ),
        ("Go to a social group once a week.", "Have a regular chat with someone every week."),
        (
            "Link worker to refer to the befriending service for a weekly phone call.",
            "Try the Tuesday coffee morning at the community centre; link worker to go along the first time.",
        ),
        (
            "Has been to the coffee morning three times and knows a few people there now.",
            "Weekly befriending calls started; says they look forward to them.",
        ),
        (
            "Befriending service confirmed a volunteer has been matched.",
            "Rang the coffee morning organiser to say someone new may come along next week.",
        ),
    ),
    "low_mood": NeedTexts(
        ("Feeling less anxious when going out.", "Sleeping better and feeling more like themselves."),
        ("Learn a few ways to manage anxious moments.", "Do one thing each day that they enjoy."),
        (
            "Link worker to share details of the free talking therapies self-referral.",
            "Try the wellbeing course at the library; person to book a place.",
        ),
        (
            "Started the wellbeing course; finding the breathing exercises useful.",
            "Mood a little better; has self-referred for talking therapy.",
        ),
        (
            "Sent the self-referral link for talking therapies by text, as agreed.",
            "Checked the wellbeing course dates; next one starts in two weeks.",
        ),
    ),
    "physical_activity": NeedTexts(
        (
            "Being able to walk to the shops without stopping.",
            "Getting fitter so they can keep up with the grandchildren.",
        ),
        ("Walk for 20 minutes three times a week.", "Join a gentle exercise class."),
        (
            "Link worker to send details of the beginners' walking group.",
            "Try the chair-based exercise class at the leisure centre.",
        ),
        (
            "Walking twice a week with the group and building up distance.",
            "Enjoying the exercise class; knees less stiff.",
        ),
        (
            "Walking group leader happy to welcome a new walker on Thursday.",
            "Confirmed the exercise class is free for people referred by the practice.",
        ),
    ),
    "weight": NeedTexts(
        (
            "Feeling better in themselves and having more energy.",
            "Losing some weight before a planned operation.",
        ),
        ("Make small changes to meals each week.", "Join a weight management group."),
        (
            "Link worker to share the local healthy eating course dates.",
            "Person to keep a food and activity diary for two weeks.",
        ),
        (
            "Has lost a little weight and feels more confident.",
            "Going to the healthy eating course each week.",
        ),
        ("Sent the healthy eating course leaflet by post, as asked.",),
    ),
    "debt_money": NeedTexts(
        ("Not lying awake worrying about money.", "Getting on top of the bills and the letters."),
        ("Get free debt advice and a plan for the arrears.", "Set up a simple weekly budget."),
        (
            "Link worker to refer to the debt advice service with consent.",
            "Person to gather recent letters and bank statements for the appointment.",
        ),
        (
            "Debt advice appointment done; a repayment plan is in place.",
            "Opening letters again and feeling less worried.",
        ),
        (
            "Debt advice service has an appointment next week; told the person by phone.",
            "Checked the food bank voucher process in case it is needed meanwhile.",
        ),
    ),
    "benefits": NeedTexts(
        (
            "Having enough to live on each month.",
            "Getting help with the forms; they are too much on their own.",
        ),
        ("Check what benefits they are entitled to.", "Get help to complete the disability benefit form."),
        (
            "Link worker to book a benefits check with the welfare rights adviser.",
            "Adviser to help fill in the form; person to bring medication list.",
        ),
        (
            "Benefits check done; new claim submitted.",
            "Form sent off with the adviser's help; waiting to hear.",
        ),
        ("Welfare rights adviser has a slot on Monday; confirmed by phone.",),
    ),
    "housing": NeedTexts(
        ("Living somewhere warm and dry.", "Feeling safe at home."),
        ("Get the damp in the bedroom looked at.", "Find out about moving to a ground-floor flat."),
        (
            "Link worker to help report the repair to the landlord in writing.",
            "Refer to the housing advice service for options.",
        ),
        ("Landlord has booked the repair.", "Housing advice appointment done; on the register for a move."),
        (
            "Helped draft a letter to the landlord about the damp.",
            "Housing advice service confirmed the referral was received.",
        ),
    ),
    "employment": NeedTexts(
        ("Getting back to work in something they enjoy.", "Feeling useful and having a routine."),
        ("Update the CV.", "Find part-time work or training."),
        ("Refer to the employment support service.", "Person to look at the adult learning courses online."),
        (
            "Working with the employment adviser; CV updated.",
            "Started a short course and feels more confident.",
        ),
        ("Employment support service will call within a week.",),
    ),
    "carer_support": NeedTexts(
        (
            "Having a break now and then from caring for their husband.",
            "Being recognised as a carer and not doing it all alone.",
        ),
        ("Register as a carer with the practice.", "Get a carer's assessment."),
        (
            "Link worker to refer to the carers' support service.",
            "Person to ask reception to add carer status to their record.",
        ),
        (
            "Carer's assessment booked; has been to a carers' cafe.",
            "Now gets a few hours' respite each week.",
        ),
        ("Carers' support service has the referral; they will call to arrange a visit.",),
    ),
    "bereavement": NeedTexts(
        (
            "Talking about their wife; friends have stopped asking.",
            "Finding a way to get through the first year.",
        ),
        ("Meet others who have lost someone.", "Get some support with grief."),
        (
            "Share details of the bereavement support group.",
            "Link worker to refer to bereavement counselling.",
        ),
        ("Went to the bereavement group and found it a comfort.", "Counselling started; finding it helpful."),
        ("Bereavement group meets fortnightly; sent the dates.",),
    ),
    "long_term_condition": NeedTexts(
        (
            "Understanding their diabetes and feeling in control of it.",
            "Managing the pain so they can do more.",
        ),
        ("Go on a self-management course.", "Pace activities through the day."),
        (
            "Refer to the self-management course for long-term conditions.",
            "Person to keep a simple diary of good and bad days.",
        ),
        ("Going to the course; using the pacing plan.", "Fewer bad days; doing a little more each week."),
        ("Self-management course has a place in the next group.",),
    ),
    "substance_use": NeedTexts(
        ("Cutting down on drinking.", "Feeling in control again."),
        ("Speak to the community alcohol service.", "Have drink-free days each week."),
        (
            "Link worker to share the drop-in times of the community alcohol service.",
            "Person to try two drink-free days a week.",
        ),
        ("Has been to the drop-in once; managing some drink-free days.",),
        ("Shared the alcohol service drop-in times by text.",),
    ),
    "digital_inclusion": NeedTexts(
        ("Being able to video call the family.", "Ordering repeat prescriptions online."),
        ("Learn the basics of using a tablet.", "Set up the NHS App."),
        (
            "Book a place at the digital skills drop-in at the library.",
            "Link worker to ask about the device lending scheme.",
        ),
        ("Now using the tablet for video calls.", "NHS App set up with the drop-in volunteer's help."),
        ("Device lending scheme has a tablet available next month.",),
    ),
    "food": NeedTexts(
        ("Having enough food until the end of the month.", "Eating proper meals again."),
        ("Get food support for now.", "Learn some simple, cheap meals."),
        (
            "Link worker to issue a food bank voucher.",
            "Share details of the community pantry and cookery group.",
        ),
        ("Using the community pantry each week.", "Cooking from the group's recipe cards."),
        ("Food bank voucher issued; collection point open Wednesday and Friday.",),
    ),
    "transport": NeedTexts(
        ("Getting to appointments and the shops without relying on neighbours.",),
        ("Find a transport option that works.", "Apply for a bus pass."),
        (
            "Link worker to share details of the community transport scheme.",
            "Help with the bus pass application.",
        ),
        ("Registered with community transport and used it twice.",),
        ("Community transport scheme confirmed membership.",),
    ),
    "energy_costs": NeedTexts(
        ("Keeping the house warm without worrying about the bills.",),
        ("Get advice on energy bills and grants.", "Check for help with heating costs."),
        ("Refer to the energy advice service.", "Link worker to check eligibility for the warm home grant."),
        ("Energy advice visit done; on a cheaper tariff.", "Grant application made."),
        ("Energy advice service has booked a home visit.",),
    ),
    "smoking": NeedTexts(
        ("Stopping smoking for good this time.",),
        ("Set a quit date.", "Get stop smoking support."),
        ("Refer to the stop smoking service.", "Person to tell family about the quit date."),
        ("Three weeks smoke-free.", "Cut down a lot; still working on it."),
        ("Stop smoking service confirmed the first appointment.",),
    ),
    "volunteering_learning": NeedTexts(
        ("Doing something worthwhile with their time.", "Learning something new."),
        ("Find a volunteering role.", "Join a class or course."),
        (
            "Link worker to introduce them to the volunteer centre.",
            "Look at the adult learning prospectus together.",
        ),
        ("Volunteering at the charity shop one morning a week.", "Enrolled on a course."),
        ("Volunteer centre has a few roles nearby; sent the list.",),
    ),
    "arts_creativity": NeedTexts(
        ("Having something creative to look forward to.",),
        ("Join an art or craft group.", "Try singing with others."),
        ("Share details of the community art group.", "Try the community choir's taster session."),
        ("Goes to the art group every week.", "Enjoying the choir."),
        ("Art group has space; materials are provided.",),
    ),
    "nature_green": NeedTexts(
        ("Being outdoors and feeling calmer.",),
        ("Spend time outside each week.", "Join a gardening or conservation group."),
        ("Share details of the community garden sessions.", "Try the nature walk on Saturday mornings."),
        ("Going to the community garden weekly.",),
        ("Community garden coordinator expecting them on Wednesday.",),
    ),
    "relationships_family": NeedTexts(
        ("Getting on better with the family.", "Feeling less on edge at home."),
        ("Get some support with family relationships.",),
        ("Share details of the family support service.", "Link worker to refer to relationship counselling."),
        ("Family support sessions started.",),
        ("Family support service has the referral.",),
    ),
    "memory_dementia": NeedTexts(
        ("Staying independent at home for as long as possible.", "Knowing what help is out there."),
        ("Go to a memory cafe.", "Put some practical supports in place at home."),
        ("Share details of the memory cafe.", "Refer to the dementia support adviser."),
        ("Going to the memory cafe with their daughter.", "Dementia adviser has visited."),
        ("Memory cafe meets on the first Monday of the month.",),
    ),
    "mobility_falls": NeedTexts(
        ("Feeling steady on their feet and not afraid of falling.",),
        ("Improve strength and balance.", "Make the home safer."),
        ("Refer to the strength and balance class.", "Link worker to request a home safety check."),
        ("Going to the balance class; no falls since.", "Grab rails fitted after the home check."),
        ("Home safety check booked.",),
    ),
    "legal_advice": NeedTexts(
        ("Sorting out the problem with their immigration paperwork.",),
        ("Get free legal advice.",),
        ("Link worker to refer to the free legal advice clinic.",),
        ("Seen at the advice clinic; next steps clear.",),
        ("Legal advice clinic will call to book an appointment.",),
    ),
    "domestic_abuse": NeedTexts(
        ("Feeling safe.",),
        ("Talk to a specialist service.",),
        ("Share the specialist domestic abuse service's number safely, as agreed.",),
        ("In touch with the specialist service.",),
        ("Safe contact times confirmed; do not leave voicemails.",),
    ),
}

# Needs a PCN adds to the national list (labels), with their texts.
LOCAL_NEED_TEXTS: dict[str, NeedTexts] = {
    "Pet care": NeedTexts(
        ("Knowing the dog will be looked after if they have to go into hospital.",),
        ("Find help with walking the dog.",),
        ("Share details of the volunteer dog-walking scheme.",),
        ("A volunteer now walks the dog twice a week.",),
        ("Dog-walking scheme has a volunteer nearby.",),
    ),
    "Gardening": NeedTexts(
        ("Keeping the garden tidy; it has always been their pride.",),
        ("Get some help with the garden.",),
        ("Refer to the volunteer garden tidy-up scheme.",),
        ("The garden scheme came out and cleared the back garden.",),
        ("Garden scheme can visit next month.",),
    ),
    "Hoarding and clutter": NeedTexts(
        ("Being able to use the kitchen again.",),
        ("Clear one room at a time, at their pace.",),
        ("Refer to the hoarding support group.",),
        ("Kitchen table clear; going to the support group.",),
        ("Hoarding support group meets fortnightly; sent details.",),
    ),
    "Warm spaces": NeedTexts(
        ("Somewhere warm to go on winter afternoons.",),
        ("Use a warm space a few afternoons a week.",),
        ("Share the list of warm spaces in town.",),
        ("Going to the library warm space most afternoons.",),
        ("Warm spaces list for this winter sent by post.",),
    ),
}

# Whatever the needs, at a review and in notes between contacts.
PLAN_UPDATES = (
    "carry on as planned; next review in six weeks.",
    "add a monthly check-in call.",
    "swap the Tuesday group for the Thursday one, which is easier to get to.",
    "pause the course until after the hospital appointment.",
    "next step is to try going along without the link worker.",
)
CLOSING_REVIEWS = (
    "Final review: goals met, and happy to carry on without support.",
    "Final review: most goals met; knows how to come back to us if needed.",
    "Final review together; agreed the plan has done what it set out to do.",
)
MID_REVIEWS = (
    "Plan reviewed together.",
    "Reviewed the plan by phone.",
    "Plan reviewed at the surgery.",
)
TRIAGE_NOTES = (
    "Referral read and allocated; contact details checked on the GP record.",
    "Referral triaged; preferred contact method noted.",
    "Spoke briefly with the referring practice to check the best time to call.",
)
NOT_CONTACTABLE_NOTES = (
    "Letter sent asking them to get in touch; no reply.",
    "Let the referring practice know we have not been able to reach them.",
)
DECLINED_NOTES = (
    "Let the referrer know support was declined for now; they can come back to us at any time.",
    "Declined for now; told them how to self-refer if things change.",
)
