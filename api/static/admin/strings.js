// Every word the admin pages say from JavaScript, in one place (the HTML files hold their own static words).
// These pages are for officials and volunteers, not citizens, so their words may live here rather than in
// flows.yaml. Keep diacritics; keep sentences short and plain: many readers have never seen YAML.

export const ROLE_NAMES = { admin: "Quản trị", official: "Cán bộ", volunteer: "Tình nguyện viên" };

export const LEVEL_NAMES = {
  4: "Toàn trình (mức 4 cũ)",
  3: "Một phần (mức 3 cũ)",
  2: "Chỉ thông tin, chưa nộp trực tuyến",
};

export const DECISION_NAMES = {
  none: "Bot không tìm được thủ tục",
  choose: "Người dân bỏ dở danh sách gợi ý",
};

export const STATUS_NAMES = { waiting: "Đang chờ", active: "Đang hỗ trợ", closed: "Đã xong" };

export const WHO_NAMES = { citizen: "Người dân", bot: "Bot", person: "Cán bộ" };

export const CHANNEL_NAMES = {
  web: "Trang web", zalo: "Zalo", telegram: "Telegram", messenger: "Messenger", cli: "Dòng lệnh",
};

// Field paths of a procedure, in words an official knows. Used in error messages and in the form.
export const FIELD_NAMES = {
  id: "mã tệp", code: "mã thủ tục quốc gia", name: "tên thủ tục", short_name: "tên ngắn (trên nút bấm)",
  summary: "tóm tắt", for_whom: "ai làm", aliases: "cách gọi khác", keywords: "từ khóa", sector: "lĩnh vực",
  level: "mức độ trực tuyến", agency: "cơ quan giải quyết", "agency.name": "tên cơ quan",
  "agency.level": "cấp cơ quan", "agency.where": "nơi nộp trực tiếp", portal: "cổng nộp hồ sơ",
  channels: "cách nộp", documents: "giấy tờ", fee: "lệ phí", "fee.free": "miễn lệ phí",
  "fee.text": "câu nói về lệ phí", "fee.amount": "số tiền lệ phí", "fee.online_amount": "số tiền khi nộp trực tuyến",
  processing_time: "thời gian giải quyết", "processing_time.text": "thời gian giải quyết",
  "processing_time.working_days": "số ngày làm việc", online_steps: "các bước nộp trực tuyến",
  postal: "bưu chính", result: "kết quả", in_person: "việc phải đến trực tiếp", contact: "liên hệ",
  notes: "lưu ý", related: "thủ tục liên quan", legal_basis: "căn cứ pháp lý", source: "nguồn", sources: "nguồn của từng thông tin",
  last_verified: "ngày kiểm tra gần nhất", unverified: "thông tin chưa kiểm chứng", "(file)": "cả tệp",
  "(yaml)": "cách viết YAML",
};

export const T = {
  app: "Một Cửa · Quản trị",
  loading: "Đang tải…",
  saving: "Đang lưu…",
  offline: "Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.",
  forbidden: "Tài khoản của bạn không có quyền làm việc này.",
  serverError: "Máy chủ gặp lỗi. Bạn thử lại sau ít phút; nếu vẫn lỗi, báo cho quản trị viên.",
  tooLarge: "Nội dung quá dài, máy chủ không nhận.",
  loggedOutSoon: "Phiên đăng nhập đã hết. Đang chuyển tới trang đăng nhập…",
  logout: "Đăng xuất",
  skip: "Bỏ qua, tới nội dung chính",
  nav: {
    procedures: "Thủ tục", unanswered: "Câu hỏi chưa trả lời", stale: "Cần kiểm tra lại",
    assist: "Hỗ trợ nhanh", inbox: "Hỗ trợ người dân", history: "Lịch sử thay đổi",
  },
  never: "Chưa từng",
  noResults: "Không có thủ tục nào khớp. Thử bỏ bớt bộ lọc hoặc gõ từ khác.",
  countProcedures: (n) => `${n} thủ tục`,
  unverifiedCount: (n) => `${n} thông tin chưa kiểm chứng`,
  allVerified: "Đã kiểm chứng",
  daysAgo: (d) => (d === 0 ? "hôm nay" : `${d} ngày trước`),
  minutesAgo: (m) => (m < 1 ? "vừa xong" : m < 60 ? `${m} phút` : `${Math.floor(m / 60)} giờ ${m % 60} phút`),

  // The procedure page
  modeForm: "Sửa nhanh",
  modeYaml: "Sửa toàn bộ (YAML)",
  checking: "Đang kiểm tra…",
  noProblems: "Không có lỗi.",
  readyToPublish: "Không có lỗi. Bản nháp sẵn sàng để đăng.",
  problemsCount: (n) => `Có ${n} lỗi cần sửa trước khi đăng.`,
  line: (n) => `Dòng ${n}`,
  goToLine: (n) => `Tới dòng ${n}`,
  otherProblems: "Lỗi ở phần không có trong biểu mẫu (bấm để mở chế độ YAML tại dòng đó):",
  unchanged: "Chưa có thay đổi nào so với bản đang dùng.",
  changed: "Bản nháp có thay đổi chưa đăng.",
  draftRestored: (when) => `Đã mở lại bản nháp chưa đăng của bạn (lưu lúc ${when}).`,
  aliasExists: (alias) => `“${alias}” đã là cách gọi khác của thủ tục này. Bạn có thể gõ thử ở khung xem trước.`,
  aliasComment: (alias) => `Thêm cách gọi khác “${alias}”`,
  discardDraft: "Bỏ bản nháp",
  draftDiscarded: "Đã bỏ bản nháp, trở về bản đang dùng.",
  aliasAdded: (alias) =>
    `Đã thêm “${alias}” làm cách gọi khác vào bản nháp. Xem thử ở khung bên cạnh, rồi bấm “Đăng thay đổi”.`,
  notNumber: "Chỉ gõ chữ số, ví dụ 25000 (không cần chữ “đồng”).",
  money: (n) => `= ${Number(n).toLocaleString("vi-VN")} đồng`,
  emptyMeansNone: "Để trống nếu không có.",
  docNote: (name) => `Ghi chú cho “${name}”`,
  yamlBroken: "Nội dung YAML đang có lỗi nên biểu mẫu chưa đọc được. Hãy sửa ở chế độ YAML trước.",
  formReadOnly: "Bạn chỉ có quyền xem. Cán bộ hoặc quản trị viên mới sửa và đăng được.",
  commentNeeded: "Hãy ghi vài chữ: bạn sửa gì, theo văn bản nào (ví dụ “Sửa lệ phí theo Thông tư 85/2019”).",
  fixFirst: "Còn lỗi trong bản nháp. Sửa hết lỗi rồi mới đăng được.",
  nothingToPublish: "Bản nháp giống hệt bản đang dùng, không có gì để đăng.",
  publishing: "Đang đăng…",
  published: (rev) => `Đã đăng (phiên bản số ${rev}). Bot sẽ dùng nội dung mới trong vài giây.`,
  conflict: (who, when) =>
    `Không đăng được: ${who || "người khác"} đã đăng một bản mới của thủ tục này lúc ${when}. ` +
    "Bản nháp của bạn vẫn còn nguyên, chưa có gì bị ghi đè.",
  conflictSeeDiff: "Xem họ đã sửa gì",
  conflictReload: "Lấy bản mới nhất (bản nháp của bạn được lưu lại để chép sang)",
  yourDraftKept: "Bản nháp cũ của bạn (để chép lại phần cần sửa):",
  leaveWarning: "Bạn có thay đổi chưa đăng. Rời trang thì bản nháp vẫn được lưu trên máy này.",
  revision: (n) => `Phiên bản số ${n}`,
  today: "Hôm nay",
  tabHint: "Phím Tab chèn 2 dấu cách. Muốn rời ô soạn thảo: bấm Esc rồi Tab.",
  caretLine: (line, col) => `Dòng ${line}, cột ${col}`,

  // Simulator
  simTitle: "Xem trước như người dân thấy",
  simRestart: "Bắt đầu lại",
  simSend: "Gửi",
  simPlaceholder: "Gõ thử như người dân, ví dụ “lệ phí bao nhiêu”",
  simInput: "Tin nhắn thử",
  simBusy: "Bot đang trả lời…",
  simFailed: "Chưa xem trước được: bản nháp còn lỗi hoặc máy chủ không trả lời.",
  simFixFirst: "Sửa hết lỗi để xem trước.",
  simNote: "Chỉ là xem thử: không lưu gì, người dân chưa thấy bản nháp này.",
  simYou: "Bạn (thử)",

  // History
  pickTwo: "Chọn hai phiên bản để so sánh.",
  compare: "So sánh",
  rollback: "Quay lại phiên bản này",
  rollbackTitle: (n) => `Quay lại phiên bản số ${n}`,
  rollbackComment: (n) => `Quay lại nội dung của phiên bản số ${n}`,
  rollbackDone: (rev) => `Đã quay lại. Nội dung cũ được đăng thành phiên bản mới số ${rev}.`,
  rolledBack: "Đang quay lại…",
  restores: (n) => `quay lại #${n}`,
  rollbackImpact: (n) => `Các tệp sẽ trở về như ở phiên bản số ${n}:`,
  rollbackNothing: "Nội dung đang dùng đã giống hệt phiên bản này, không có gì để quay lại.",
  rollbackOnlyFile: (f) => `Chỉ tệp này (${f}); các thủ tục khác giữ nguyên`,
  rollbackAll: (k) => `Toàn bộ nội dung (${k} tệp)`,
  rollbackScope: "Quay lại phần nào",
  rollbackFileMissing: "Tệp này chưa có ở phiên bản đó, nên không quay lại riêng tệp này được.",
  noDiff: "Hai phiên bản này giống nhau ở phần đã chọn.",
  sameLines: (n) => `… ${n} dòng không đổi (bấm để xem) …`,
  files: (n) => `${n} tệp`,
  unified: "Gộp một cột",
  sideBySide: "Hai cột cạnh nhau",
  before: "Trước",
  after: "Sau",
  current: "đang dùng",
  noRevisions: "Chưa có phiên bản nào.",

  // Unanswered and stale
  addAlias: (name) => `Thêm làm cách gọi khác của “${name}”`,
  addAliasOther: "Thêm làm cách gọi khác của thủ tục…",
  chooseProcedure: "Chọn thủ tục",
  openDraft: "Mở bản nháp",
  addToTopic: "Thêm làm cách nói của một chủ đề…",
  chooseTopic: "Chọn chủ đề (hướng dẫn chung, không phải thủ tục)",
  topicNear: (title) => `Gần với chủ đề “${title}”`,
  topicDraft: "Xem trước thay đổi",
  topicPublish: "Đăng thay đổi",
  topicAdded: (text, title) => `Sẽ thêm “${text}” vào các cách nói của chủ đề “${title}” trong flows.yaml. Bấm “Đăng thay đổi” để áp dụng.`,
  topicExists: (text, title) => `“${text}” đã là cách nói của chủ đề “${title}”.`,
  topicPublished: (title) => `Đã đăng. Từ giờ câu này dẫn tới chủ đề “${title}”.`,
  topicComment: (text, title) => `Thêm cách nói “${text}” cho chủ đề “${title}”`,
  times: (n) => `${n} lần`,
  noUnanswered: "Chưa có câu hỏi nào bot không trả lời được. Tốt lắm!",
  noStale: "Mọi thủ tục đều mới được kiểm tra.",
  neverVerified: "Chưa kiểm tra lần nào",
  verifiedDaysAgo: (d) => `Kiểm tra ${d} ngày trước`,

  // Inbox
  inboxEmpty: "Không có người dân nào đang chờ. Trang tự cập nhật vài giây một lần.",
  waitingFor: (m) => `chờ ${m}`,
  claim: "Nhận hỗ trợ",
  release: "Trả lại cho bot",
  reply: "Gửi trả lời",
  replyLabel: "Trả lời người dân",
  replyPlaceholder: "Gõ câu trả lời. Người dân nhận được ngay trên kênh họ đang dùng.",
  claimedByYou: "Bạn đang hỗ trợ người này. Bot im lặng cho tới khi bạn trả lại.",
  claimedBy: (name) => `${name} đang hỗ trợ người này.`,
  waitingHint: "Người này đang chờ. Bấm “Nhận hỗ trợ” để trò chuyện trực tiếp; bot sẽ im lặng.",
  closedHint: "Cuộc trò chuyện đã xong.",
  startedChat: "(bắt đầu trò chuyện)",
  selectConversation: "Chọn một cuộc trò chuyện ở danh sách để xem.",
  newWaiting: (n) => `Có ${n} người dân đang chờ hỗ trợ.`,
  released: "Đã trả cuộc trò chuyện cho bot.",
  claimed: "Bạn đã nhận hỗ trợ. Hãy chào người dân.",
  sent: "Đã gửi.",
  updatedAt: (t) => `Cập nhật lúc ${t}`,
  procedureLabel: "Thủ tục",
  wardLabel: "Phường/xã",

  // The national portal's procedures (portal tier) and where a curated one differs from its page
  tierNames: { curated: "Có hướng dẫn", portal: "Cổng DVCQG" },
  countShown: (shown, total) => `Hiện ${shown} trên ${total} thủ tục. Gõ tên hoặc mã để thu hẹp.`,
  portalCaptured: (when) => `Theo trang Cổng Dịch vụ công quốc gia, bản thu thập ${when}`,
  portalDiffers: "Khác với Cổng DVCQG",
  portalSame: "Khớp với trang Cổng DVCQG ở lệ phí, thời gian, cách nộp, mức độ, cấp cơ quan và số giấy tờ.",
  portalNoPage: "Chưa có trang Cổng DVCQG để đối chiếu (thủ tục chưa có mã quốc gia hoặc Cổng chưa có).",
  portalOpen: "Mở trang trên Cổng DVCQG",
  portalFacts: "Xem dữ liệu Cổng trong Một Cửa",
  ourSide: "Danh mục Một Cửa",
  portalSide: "Cổng DVCQG",
  diffFields: {
    fee: "Lệ phí", time: "Thời gian giải quyết", channels: "Cách nộp", level: "Mức độ trực tuyến",
    agency_level: "Cấp cơ quan", documents: "Giấy tờ",
  },
  channelNames: { online: "Trực tuyến", post: "Bưu chính", in_person: "Trực tiếp" },
  agencyLevels: { "xã": "Cấp xã", "tỉnh": "Cấp tỉnh", "bộ": "Cấp bộ", "khác": "Cơ quan khác" },
  portalOnline: { online: "Nộp trực tuyến được", offline: "Không có nộp trực tuyến" },
  documentsCount: (n) => `${n} giấy tờ`,
  notStated: "Trang Cổng không ghi rõ",
  adopt: "Đưa vào danh mục có hướng dẫn",
  adoptHint: "Tạo bản nháp điền sẵn thông tin của Cổng. Bạn viết tên ngắn, tóm tắt, cách gọi khác và các bước nộp trực tuyến, đối chiếu lại rồi đăng.",
  adoptedAlready: (id) => `Thủ tục này đã có trong danh mục có hướng dẫn (${id}).`,
  adoptDraft: "Bản nháp tạo từ trang Cổng DVCQG: hãy bổ sung tên ngắn, tóm tắt, cách gọi khác và các bước nộp trực tuyến, rồi đăng.",
  adoptComment: (code) => `Đưa thủ tục ${code} từ Cổng DVCQG vào danh mục có hướng dẫn`,
  newProcedure: "Thủ tục mới (chưa đăng)",
  formCount: (originals, copies) => [originals ? `${originals} bản chính` : "", copies ? `${copies} bản sao` : ""].filter(Boolean).join(", "),

  // Login
  linkInvalid: "Đường dẫn đăng nhập không đúng, đã dùng rồi hoặc đã hết hạn. Xin quản trị viên một đường dẫn mới.",
  pasteInvalid: "Hãy dán nguyên đường dẫn đăng nhập (bắt đầu bằng http) hoặc mã đăng nhập bạn nhận được.",
};
