"""The demo registers, as data. Fictional firms, real provider names (from the catalog).

Services: (ref, name, importance, core business, customer-facing, trading path, RTO, max downtime, customers).
Vendors: (ref, catalog key, contract name, data shared flags u/c/t/k, contract days left, exit plan, priority).
Dependencies: (service ref, vendor ref, role, substitutability, measure), measure =
  None (no measure) | (strategy, alternate key or "in_house" or None, switch minutes, tests, shared upstream keys),
  tests = ((days ago, result, achieved minutes), ...).
"""

EXCHANGE_SERVICES = [
    ("WEB", "거래소 웹 (Exchange web front)", "critical", True, True, True, 60, 120, 800_000),
    ("APP", "모바일 앱 로그인 (Mobile app login)", "critical", True, True, True, 60, 120, 1_200_000),
    ("KRW", "원화 입출금 (KRW deposits and withdrawals)", "critical", True, True, True, 90, 180, 600_000),
    ("MATCH", "주문 체결 (Order matching)", "critical", True, True, True, 30, 60, 1_200_000),
    ("WALLET", "가상자산 입출금 (Crypto deposits and withdrawals)", "critical", True, True, True, 120, 240, 400_000),
    ("KYC", "고객확인 온보딩 (KYC onboarding)", "important", False, True, False, 240, 1440, 5_000),
    ("TRAVEL", "트래블룰 및 AML 모니터링 (Travel rule and AML monitoring)", "important", False, False, False,
     240, 1440, 0),
    ("MKT", "시세 API (Market data API)", "important", False, True, False, 120, 480, 30_000),
    ("CS", "고객센터 (Customer support)", "other", False, True, False, 1440, 4320, 2_000),
]

EXCHANGE_VENDORS = [
    ("CF", "cloudflare", "Cloudflare CDN, WAF and bot management", "", 400, False, True),
    ("AWS", "aws", "AWS ap-northeast-2 (Seoul) hosting", "uct", 700, True, True),
    ("FB", "fireblocks", "Fireblocks wallet infrastructure", "k", 500, True, True),
    ("KODA", "koda", "KODA cold-wallet custody", "k", 60, False, True),
    ("CHA", "chainalysis", "Chainalysis KYT", "t", 300, False, False),
    ("CODE", "code-vasp", "CODE travel-rule network", "ut", 365, False, False),
    ("NICE", "nice-info", "NICE identity verification", "uc", 200, False, False),
    ("SUM", "sumsub", "Sumsub liveness check", "u", 45, False, False),
    ("NS1", "ns1", "NS1 managed DNS", "", 500, False, False),
    ("DD", "datadog", "Datadog monitoring", "", 250, False, False),
    ("SLACK", "slack", "Slack incident channel", "", 300, False, False),
    ("CS", "crowdstrike", "CrowdStrike Falcon EDR", "", 420, False, False),
    ("AHN", "ahnlab", "AhnLab V3 and TMS", "", 380, False, False),
    ("SKT", "sk-telecom", "SK Telecom SMS and lines", "u", 600, False, False),
    ("KT", "kt", "KT internet lines", "", 600, False, False),
    ("KINX", "kinx", "KINX IDC colocation", "", 800, False, False),
    ("OAI", "openai", "OpenAI API (support chatbot)", "", 150, False, False),
    ("SF", "salesforce", "Salesforce Service Cloud", "u", 330, False, False),
]

_ALWAYS = [
    ("MATCH", "AWS", "hosting", "1m_3m", ("warm_standby", "in_house", 45, ((40, "pass", 35),), ())),
    ("KRW", "AWS", "hosting", "1m_3m", ("warm_standby", "in_house", 60, ((200, "pass", 70),), ())),
    ("WALLET", "FB", "custody", "gt_3m", ("cold_standby", "in_house", 240, ((90, "partial", 300),), ())),
    ("WALLET", "KODA", "custody", "1m_3m", ("manual_workaround", None, 120, ((420, "pass", 110),), ())),
    ("WALLET", "CHA", "other", "1w_4w", ("manual_workaround", "elliptic", 60, ((100, "pass", 45),), ())),
    ("KYC", "NICE", "kyc", "1w_4w", ("active_passive", "kcb", 10, ((60, "pass", 8),), ())),
    ("KYC", "SUM", "kyc", "1w_4w", None),
    ("TRAVEL", "CODE", "other", "1m_3m", ("manual_workaround", None, 240, (), ())),
    ("MKT", "AWS", "hosting", "1m_3m", ("warm_standby", "in_house", 60, ((40, "pass", 35),), ())),
    ("CS", "SF", "other", "1w_4w", None),
    ("CS", "OAI", "ai_inference", "lt_1w", ("manual_workaround", None, 5, (), ())),
    ("APP", "SKT", "authentication", "1w_4w", ("active_passive", "kt", 5, ((150, "pass", 4),), ())),
    ("WEB", "DD", "monitoring", "lt_1w", None),
]

# Pado: a tested multi-CDN failover to Akamai (about 15 minutes).
PADO_EDGE = [
    ("WEB", "CF", "cdn", "lt_1d", ("active_passive", "akamai", 15,
                                   ((95, "pass", 14), (300, "pass", 17), (470, "fail", None)), ())),
    ("APP", "CF", "cdn", "lt_1d", ("active_passive", "akamai", 15, ((95, "pass", 15),), ())),
    ("WEB", "NS1", "dns", "lt_1w", ("active_active", "aws", 1, ((95, "pass", 1),), ())),
]
# Dalbit: Cloudflare in front of web and app with nothing behind it.
DALBIT_EDGE = [
    ("WEB", "CF", "cdn", "1m_3m", None),
    ("APP", "CF", "cdn", "1m_3m", ("none", None, None, (), ())),
    ("WEB", "CF", "waf", "1m_3m", ("manual_workaround", None, 180, ((400, "pass", 150),), ())),
]

HANBIT_SERVICES = [
    ("IB", "인터넷뱅킹 (Internet banking)", "critical", True, True, False, 180, 240, 3_000_000),
    ("MB", "모바일뱅킹 로그인 (Mobile banking login)", "critical", True, True, False, 120, 180, 4_500_000),
    ("XFER", "계좌이체 (Account transfers)", "critical", True, True, False, 120, 180, 4_500_000),
    ("OPEN", "오픈뱅킹 API (Open banking API)", "important", False, True, False, 240, 720, 800_000),
    ("CHAT", "AI 상담 챗봇 (AI support chatbot)", "other", False, True, False, 1440, 4320, 200_000),
    ("CARD", "체크카드 승인 (Debit card authorisation)", "critical", True, True, False, 60, 120, 2_000_000),
    ("MAIL", "내부 메일과 협업 (Internal mail and collaboration)", "important", False, False, False, 480, 1440, 0),
]
HANBIT_VENDORS = [
    ("AKA", "akamai", "Akamai CDN and Kona WAF", "", 500, True, True),
    ("NS1", "ns1", "NS1 managed DNS", "", 400, False, False),
    ("SDS", "samsung-sds", "Samsung Cloud Platform (financial zone)", "uct", 900, True, True),
    ("KTC", "kt-cloud", "kt cloud DR site", "uct", 700, True, False),
    ("KFTC", "kftc", "KFTC open banking and interbank network", "t", 1000, False, True),
    ("NICE", "nice-info", "NICE identity verification", "uc", 60, False, False),
    ("KCB", "kcb", "KCB credit bureau", "uc", 500, False, False),
    ("RAON", "raonsecure", "RaonSecure mobile authentication", "u", 300, False, False),
    ("MS", "microsoft", "Microsoft 365 and Azure OpenAI", "", 250, False, False),
    ("CS", "crowdstrike", "CrowdStrike Falcon EDR", "", 420, False, False),
    ("AHN", "ahnlab", "AhnLab EPP", "", 380, False, False),
    ("VISA", "visa", "Visa card network", "t", 1000, False, False),
    ("MC", "mastercard", "Mastercard network", "t", 1000, False, False),
    ("LGU", "lg-uplus", "LG U+ lines", "", 600, False, False),
    ("SKT", "sk-telecom", "SK Telecom SMS", "u", 600, False, False),
    ("SN", "servicenow", "ServiceNow ITSM", "", 80, False, False),
    ("DD", "datadog", "Datadog monitoring", "", 250, False, False),
]
# Hanbit: Akamai with a Cloudflare alternate, both delegated to the same NS1 DNS: a hidden SPOF.
HANBIT_DEPS = [
    ("IB", "AKA", "cdn", "lt_1w", ("active_passive", "cloudflare", 20, ((120, "pass", 18),), ("ns1",))),
    ("MB", "AKA", "cdn", "lt_1w", ("active_passive", "cloudflare", 20, ((120, "pass", 18),), ("ns1",))),
    ("IB", "NS1", "dns", "1w_4w", None),
    ("IB", "SDS", "hosting", "gt_3m", ("warm_standby", "kt-cloud", 120, ((180, "pass", 110),), ())),
    ("XFER", "SDS", "hosting", "gt_3m", ("warm_standby", "kt-cloud", 120, ((180, "pass", 150),), ())),
    ("XFER", "KFTC", "payment", "gt_3m", ("manual_workaround", None, 60, ((500, "pass", 50),), ())),
    ("MB", "RAON", "authentication", "1m_3m", ("active_passive", "in_house", 15, ((30, "fail", None),), ())),
    ("MB", "NICE", "kyc", "1w_4w", ("active_passive", "kcb", 10, ((60, "pass", 9),), ())),
    ("OPEN", "KFTC", "payment", "gt_3m", None),
    ("CHAT", "MS", "ai_inference", "lt_1w", ("manual_workaround", None, 5, (), ())),
    ("CARD", "VISA", "payment", "gt_3m", ("active_passive", "mastercard", 5, ((210, "pass", 4),), ())),
    ("MAIL", "MS", "hosting", "1m_3m", ("cold_standby", None, 480, ((450, "pass", 400),), ())),
]

SAEBYEOL_SERVICES = [
    ("MTS", "MTS 로그인과 주문 (Mobile trading login and orders)", "critical", True, True, False, 90, 180, 900_000),
    ("HTS", "HTS 주식 주문 (Desktop trading orders)", "critical", True, True, False, 90, 180, 300_000),
    ("QUOTE", "실시간 시세 (Real-time quotes)", "critical", True, True, False, 30, 60, 1_000_000),
    ("WEB", "증권 웹사이트 (Brokerage website)", "important", False, True, False, 180, 480, 500_000),
    ("SETTLE", "결제와 예탁 (Settlement and custody)", "critical", True, False, False, 180, 240, 0),
    ("RESEARCH", "리서치 포털 (Research portal)", "other", False, True, False, 1440, 4320, 50_000),
]
SAEBYEOL_VENDORS = [
    ("KOSCOM", "koscom", "Koscom market data and trading network", "t", 700, True, True),
    ("KRX", "krx", "KRX market connection", "t", 1000, False, True),
    ("KSD", "ksd", "KSD settlement", "t", 1000, False, True),
    ("BBG", "bloomberg", "Bloomberg terminal and B-PIPE", "", 70, False, False),
    ("LSEG", "lseg", "LSEG Refinitiv data feed", "", 300, False, False),
    ("CF", "cloudflare", "Cloudflare CDN and DDoS", "", 500, False, False),
    ("NCP", "naver-cloud", "NAVER Cloud financial zone", "uct", 900, True, True),
    ("GAB", "gabia", "Gabia DNS", "", 300, False, False),
    ("RAON", "raonsecure", "RaonSecure authentication", "u", 300, False, False),
    ("NICE", "nice-info", "NICE identity verification", "uc", 400, False, False),
    ("KT", "kt", "KT leased lines", "", 600, False, False),
    ("SKB", "sk-broadband", "SK Broadband leased lines", "", 600, False, False),
    ("CS", "crowdstrike", "CrowdStrike Falcon EDR", "", 420, False, False),
    ("ATL", "atlassian", "Atlassian Jira and Confluence", "", 200, False, False),
    ("DD", "datadog", "Datadog monitoring", "", 250, False, False),
]
SAEBYEOL_DEPS = [
    ("QUOTE", "KOSCOM", "market_data", "gt_3m", ("active_passive", "lseg", 10, ((200, "pass", 45),), ())),
    ("HTS", "KRX", "market_data", "gt_3m", ("manual_workaround", None, 60, ((420, "pass", 60),), ())),
    ("SETTLE", "KSD", "other", "gt_3m", ("manual_workaround", None, 120, ((100, "pass", 90),), ())),
    ("WEB", "CF", "cdn", "lt_1w", ("manual_workaround", "in_house", 60, ((80, "partial", 70),), ())),
    ("MTS", "CF", "ddos_bot", "lt_1w", ("active_passive", "akamai", 30, ((390, "pass", 25),), ())),
    ("MTS", "NCP", "hosting", "gt_3m", ("warm_standby", "kt-cloud", 90, ((150, "pass", 80),), ())),
    ("HTS", "NCP", "hosting", "gt_3m", ("warm_standby", "kt-cloud", 90, ((150, "pass", 80),), ())),
    ("MTS", "RAON", "authentication", "1m_3m", None),
    ("MTS", "GAB", "dns", "1w_4w", ("active_active", "ns1", 1, ((60, "pass", 1),), ())),
    ("RESEARCH", "BBG", "market_data", "1m_3m", None),
    ("QUOTE", "KT", "other", "1w_4w", ("active_active", "sk-broadband", 1, ((30, "pass", 1),), ())),
]

NURI_SERVICES = [
    ("PAY", "간편결제 (One-tap payments)", "critical", True, True, False, 60, 120, 2_500_000),
    ("SEND", "송금 (Money transfers)", "critical", True, True, False, 90, 180, 1_500_000),
    ("LOGIN", "앱 로그인과 본인인증 (App login and identity check)", "critical", False, True, False,
     60, 120, 2_500_000),
    ("SETTLE", "가맹점 정산 (Merchant settlement)", "important", False, False, False, 480, 1440, 0),
    ("API", "가맹점 결제 API (Merchant payment API)", "critical", False, True, False, 45, 90, 60_000),
    ("CS", "AI 상담 (AI customer support)", "other", False, True, False, 1440, 4320, 100_000),
]
NURI_VENDORS = [
    ("CF", "cloudflare", "Cloudflare API gateway and WAF", "", 200, False, True),
    ("FASTLY", "fastly", "Fastly CDN (static assets)", "", 300, False, False),
    ("AWS", "aws", "AWS ap-northeast-2 hosting", "uct", 700, True, True),
    ("GCP", "google-cloud", "Google Cloud analytics", "t", 500, False, False),
    ("KFTC", "kftc", "KFTC open banking", "t", 1000, False, True),
    ("INICIS", "kg-inicis", "KG Inicis PG", "t", 85, False, False),
    ("KCP", "nhn-kcp", "NHN KCP PG", "t", 400, False, False),
    ("NICE", "nice-info", "NICE identity verification", "uc", 400, False, False),
    ("KCB", "kcb", "KCB credit check", "uc", 400, False, False),
    ("OKTA", "okta", "Okta workforce SSO", "", 300, False, False),
    ("ANT", "anthropic", "Anthropic API (support assistant)", "", 150, False, False),
    ("SKT", "sk-telecom", "SK Telecom PASS and SMS", "u", 600, False, False),
    ("SENT", "sentinelone", "SentinelOne EDR", "", 420, False, False),
    ("ESTS", "estsecurity", "ESTsecurity ALYac", "", 380, False, False),
    ("SLACK", "slack", "Slack", "", 300, False, False),
    ("DD", "datadog", "Datadog monitoring", "", 250, False, False),
]
NURI_DEPS = [
    ("API", "CF", "waf", "1w_4w", ("manual_workaround", "fastly", 90, ((380, "pass", 95),), ())),
    ("PAY", "CF", "cdn", "1w_4w", ("warm_standby", "fastly", 30, ((120, "fail", None),), ())),
    ("PAY", "AWS", "hosting", "gt_3m", ("active_passive", "in_house", 60, ((70, "pass", 55),), ())),
    ("SEND", "KFTC", "payment", "gt_3m", None),
    ("SEND", "AWS", "hosting", "gt_3m", ("active_passive", "in_house", 60, ((70, "pass", 55),), ())),
    ("LOGIN", "NICE", "kyc", "1w_4w", ("active_passive", "kcb", 5, ((45, "pass", 4),), ())),
    ("LOGIN", "SKT", "authentication", "1w_4w", ("active_passive", "kt", 5, ((45, "pass", 6),), ())),
    ("PAY", "INICIS", "payment", "1w_4w", ("active_active", "nhn-kcp", 1, ((20, "pass", 1),), ())),
    ("SETTLE", "GCP", "hosting", "1m_3m", ("cold_standby", "in_house", 720, (), ())),
    ("CS", "ANT", "ai_inference", "lt_1w", ("manual_workaround", None, 5, (), ())),
]

HANEUL_SERVICES = [
    ("PORTAL", "보험계약 조회 웹 (Policy self-service web)", "important", False, True, False, 480, 1440, 700_000),
    ("CLAIM", "보험금 청구 앱 (Claims app)", "critical", True, True, False, 720, 1440, 300_000),
    ("PREM", "보험료 수납 (Premium collection)", "critical", True, False, False, 1440, 2880, 900_000),
    ("CALL", "콜센터 (Call centre)", "important", False, True, False, 240, 720, 50_000),
    ("UW", "언더라이팅 심사 (Underwriting)", "important", False, False, False, 1440, 4320, 0),
    ("HR", "인사 시스템 (HR system)", "other", False, False, False, 2880, 10080, 0),
]
HANEUL_VENDORS = [
    ("NCP", "naver-cloud", "NAVER Cloud financial zone", "uct", 900, True, True),
    ("NHN", "nhn-cloud", "NHN Cloud DR", "uct", 700, False, False),
    ("MS", "microsoft", "Microsoft 365 and Azure", "", 250, False, False),
    ("AKA", "akamai", "Akamai CDN", "", 500, False, False),
    ("IMP", "imperva", "Imperva WAF", "", 300, False, False),
    ("KFTC", "kftc", "KFTC CMS auto-debit", "t", 1000, False, True),
    ("NICE", "nice-info", "NICE identity verification", "uc", 400, False, False),
    ("KCB", "kcb", "KCB credit information", "uc", 400, False, False),
    ("TREND", "trend-micro", "Trend Micro Apex One", "", 420, False, False),
    ("LGU", "lg-uplus", "LG U+ contact-centre lines", "", 600, False, False),
    ("KT", "kt", "KT lines", "", 600, False, False),
    ("SF", "salesforce", "Salesforce Service Cloud", "u", 330, False, False),
    ("SN", "servicenow", "ServiceNow HR", "", 80, False, False),
    ("ORA", "oracle-cloud", "Oracle Cloud (underwriting DB)", "uc", 600, False, False),
    ("ATL", "atlassian", "Atlassian Jira", "", 200, False, False),
]
HANEUL_DEPS = [
    ("PORTAL", "AKA", "cdn", "lt_1w", ("manual_workaround", "in_house", 120, ((500, "pass", 100),), ())),
    ("PORTAL", "IMP", "waf", "1w_4w", None),
    ("CLAIM", "NCP", "hosting", "gt_3m", ("warm_standby", "nhn-cloud", 240, ((200, "pass", 200),), ())),
    ("PREM", "KFTC", "payment", "gt_3m", ("manual_workaround", None, 480, ((300, "pass", 420),), ())),
    ("PREM", "NCP", "hosting", "gt_3m", ("warm_standby", "nhn-cloud", 240, ((200, "pass", 200),), ())),
    ("CALL", "LGU", "messaging", "1w_4w", ("active_passive", "kt", 10, ((90, "pass", 12),), ())),
    ("CALL", "SF", "other", "1m_3m", None),
    ("UW", "ORA", "hosting", "gt_3m", ("cold_standby", None, 1440, ((520, "fail", None),), ())),
    ("HR", "SN", "other", "1w_4w", None),
]

FIRMS = {
    "dalbit": (EXCHANGE_SERVICES, EXCHANGE_VENDORS, DALBIT_EDGE + _ALWAYS),
    "pado": (EXCHANGE_SERVICES, [*EXCHANGE_VENDORS, ("AKA", "akamai", "Akamai CDN (failover)", "", 500, True, False)],
             PADO_EDGE + _ALWAYS),
    "hanbit": (HANBIT_SERVICES, HANBIT_VENDORS, HANBIT_DEPS),
    "saebyeol": (SAEBYEOL_SERVICES, SAEBYEOL_VENDORS, SAEBYEOL_DEPS),
    "nuri": (NURI_SERVICES, NURI_VENDORS, NURI_DEPS),
    "haneul": (HANEUL_SERVICES, HANEUL_VENDORS, HANEUL_DEPS),
}

# Incidents during the market-wide Cloudflare outages: (firm, ref, event, minutes down, users, services, impact).
INCIDENTS = [
    ("dalbit", "INC-2025-1118", "nov", 174, 650_000, ("WEB", "APP"),
     "웹과 앱 접속 불가, 주문 불가 (web and app unreachable; no orders)"),
    ("pado", "INC-2025-1118", "nov", 16, 90_000, ("WEB", "APP"),
     "Akamai 전환까지 16분 접속 지연 (slow access for 16 minutes until the switch to Akamai)"),
    ("nuri", "INC-2025-1118", "nov", 95, 400_000, ("API", "PAY"),
     "가맹점 결제 API 오류 (merchant payment API errors)"),
    ("saebyeol", "INC-2025-1118", "nov", 40, 120_000, ("WEB",), "증권 웹사이트 일부 접속 장애 (website partly down)"),
    ("dalbit", "INC-2025-1205", "dec", 25, 300_000, ("WEB", "APP"),
     "웹과 앱 25분 접속 불가 (web and app down 25 minutes)"),
    ("pado", "INC-2025-1205", "dec", 4, 10_000, ("WEB",), "자동 전환 4분 (automatic switch-over in 4 minutes)"),
]
