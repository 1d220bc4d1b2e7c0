<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>AdminScreen</name>
    <message>
        <location filename="../../ui/screens/admin.py" line="448" />
        <location filename="../../ui/screens/admin.py" line="452" />
        <source>Admin mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="449" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="454" />
        <location filename="../../ui/screens/admin.py" line="465" />
        <source>Device status</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="455" />
        <location filename="../../ui/screens/admin.py" line="467" />
        <source>Test print</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="456" />
        <location filename="../../ui/screens/admin.py" line="472" />
        <source>Test card read</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="457" />
        <location filename="../../ui/screens/admin.py" line="479" />
        <source>Catalog import</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="458" />
        <location filename="../../ui/screens/admin.py" line="487" />
        <source>Recent log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="462" />
        <source>Restart kiosk</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="463" />
        <source>Leave kiosk mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="464" />
        <source>Close admin mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="466" />
        <location filename="../../ui/screens/admin.py" line="488" />
        <source>Refresh</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="469" />
        <source>Prints a test ticket with Vietnamese text and a ruler across the paper width.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="471" />
        <source>Print a test ticket</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="475" />
        <source>Place a citizen ID card on the reader, type its 12-digit number or the 6-digit CAN, then press OK.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="481" />
        <source>Files found on USB sticks and mounted folders. Choose one and its kind.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="483" />
        <source>Search again</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="484" />
        <source>Services</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="485" />
        <source>Drugs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="486" />
        <source>Import</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="517" />
        <source>Admin mode is disabled: no PIN is configured (kiosk admin hash-pin).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="525" />
        <source>Too many wrong PINs. Try again in {0}:{1:02d}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="536" />
        <source>Wrong PIN. {0} attempt(s) left.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="538" />
        <source>Enter the admin PIN.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="545" />
        <source>Checking…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="600" />
        <source>Tap again to restart</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="605" />
        <source>Tap again to leave</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="613" />
        <source>Checking devices…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="619" />
        <source>The checks failed: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="630" />
        <source>{0} check(s) failed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="632" />
        <source>All checks passed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="639" />
        <source>No printer is configured.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="643" />
        <source>Printing…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="657" />
        <source>Printing failed: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="661" />
        <source>Printed. Printer: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="669" />
        <location filename="../../ui/screens/admin.py" line="680" />
        <source>No card reader is configured.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="683" />
        <source>Type the 12-digit ID number or the 6-digit CAN.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="690" />
        <source>Reading the card…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="697" />
        <source>Read failed ({0}): {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="704" />
        <source>Card read.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="705" />
        <source>ID: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="706" />
        <source>Authenticity: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="707" />
        <source>Access: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="708" />
        <source>Photo: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="708" />
        <source>yes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="708" />
        <source>no</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="711" />
        <source>Read time: {0:.0f} ms</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="720" />
        <source>Searching {0}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="741" />
        <source>{0} file(s) found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="744" />
        <source>No CSV or XLSX file found. Insert a USB stick and search again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="750" />
        <source>Choose a file first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="756" />
        <source>Importing {0}…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="762" />
        <source>Import failed: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="767" />
        <source>Not imported: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="770" />
        <source>{0} rows: {1} imported, {2} rejected. {3}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="774" />
        <source>Now active.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="774" />
        <source>NOT activated.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="779" />
        <source>line {0} {1}: {2}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>BusyScreen</name>
    <message>
        <location filename="../../ui/screens/identify.py" line="130" />
        <source>Reading your card…</source>
        <translation>Đang đọc thẻ…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="131" />
        <source>Please keep the card on the reader.</source>
        <translation>Vui lòng giữ thẻ trên đầu đọc.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="133" />
        <source>Checking your health insurance…</source>
        <translation>Đang kiểm tra thẻ bảo hiểm y tế…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="134" />
        <source>This usually takes a few seconds.</source>
        <translation>Việc này thường mất vài giây.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="136" />
        <source>Preparing your number…</source>
        <translation>Đang lấy số thứ tự…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="137" />
        <source>Your ticket will come out below the screen.</source>
        <translation>Phiếu của bạn sẽ ra ở khe bên dưới màn hình.</translation>
    </message>
</context>
<context>
    <name>CameraView</name>
    <message>
        <location filename="../../ui/widgets/camera_view.py" line="92" />
        <source>Hold the QR code inside the frame</source>
        <translation>Đưa mã QR vào trong khung</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/camera_view.py" line="94" />
        <source>The camera is not available. Please use the card reader or type your ID number.</source>
        <translation>Camera không hoạt động. Vui lòng dùng đầu đọc thẻ hoặc nhập số căn cước.</translation>
    </message>
</context>
<context>
    <name>CheckRow</name>
    <message>
        <location filename="../../ui/screens/admin.py" line="200" />
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="200" />
        <source>FAIL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="215" />
        <source>Reason: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="218" />
        <source>Fix: {0}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ClinicScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="43" />
        <source>Which clinic do you need?</source>
        <translation>Bạn cần khám ở phòng khám nào?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="45" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
</context>
<context>
    <name>ConfirmIdentityScreen</name>
    <message>
        <location filename="../../ui/screens/patient.py" line="72" />
        <source>Is this you?</source>
        <translation>Đây có phải là bạn không?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="73" />
        <source>Yes, this is me</source>
        <translation>Đúng, đây là tôi</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="74" />
        <source>No, go back</source>
        <translation>Không, quay lại</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="76" />
        <source>Name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="77" />
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="78" />
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="79" />
        <source>ID number</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="80" />
        <source>Insurance card</source>
        <translation>Thẻ BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="90" />
        <location filename="../../ui/screens/patient.py" line="94" />
        <location filename="../../ui/screens/patient.py" line="100" />
        <location filename="../../ui/screens/patient.py" line="101" />
        <location filename="../../ui/screens/patient.py" line="102" />
        <source>(not given)</source>
        <translation>(chưa có)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="96" />
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="96" />
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="115" />
        <source>No photo</source>
        <translation>Không có ảnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="123" />
        <source>✔ Chip checked: issued by the Vietnamese authority</source>
        <translation>✔ Đã xác thực chip: do cơ quan có thẩm quyền Việt Nam cấp</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="127" />
        <source>Chip data intact (issuer not checked)</source>
        <translation>Dữ liệu chip toàn vẹn (chưa xác minh nơi cấp)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="130" />
        <source>Read from the chip (not checked)</source>
        <translation>Đọc từ chip (chưa xác thực)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="135" />
        <source>Typed on the keypad</source>
        <translation>Nhập bằng bàn phím</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="137" />
        <source>Read from the QR code</source>
        <translation>Đọc từ mã QR</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="131" />
        <source>Please check, then take your number</source>
        <translation>Vui lòng kiểm tra, rồi lấy số</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="132" />
        <source>Get my number</source>
        <translation>Lấy số thứ tự</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="133" />
        <source>Patient</source>
        <translation>Người bệnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="134" />
        <source>Clinic</source>
        <translation>Phòng khám</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="135" />
        <source>Priority</source>
        <translation>Ưu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="136" />
        <source>Health insurance</source>
        <translation>Bảo hiểm y tế</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="143" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="149" />
        <source>(to be confirmed at the counter)</source>
        <translation>(sẽ được xác nhận tại quầy)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="152" />
        <source>None</source>
        <translation>Không</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="155" />
        <source>Not verified: the reception desk will check</source>
        <translation>Chưa xác minh: quầy tiếp đón sẽ kiểm tra</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="158" />
        <source>Insured ({percent} %)</source>
        <translation>Có BHYT ({percent} %)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="160" />
        <source>Insured</source>
        <translation>Có BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="163" />
        <source>Self-paying</source>
        <translation>Tự chi trả (dịch vụ)</translation>
    </message>
</context>
<context>
    <name>DigitPad</name>
    <message>
        <location filename="../../ui/screens/admin.py" line="157" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin.py" line="158" />
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <location filename="../../ui/screens/identify.py" line="82" />
        <source>We found your card. One more step to open its chip</source>
        <translation>Đã nhận thẻ. Thêm một bước để mở chip</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="83" />
        <source>Keep the card on the reader</source>
        <translation>Giữ thẻ trên đầu đọc</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="86" />
        <source>The chip is protected. Show us the QR code on the card, or type its number.</source>
        <translation>Chip được bảo vệ. Vui lòng đưa mã QR trên thẻ trước camera, hoặc nhập số CCCD.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="90" />
        <source>How would you like to identify yourself?</source>
        <translation>Bạn muốn xác định danh tính bằng cách nào?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="91" />
        <source>1. Place your chip ID card on the reader</source>
        <translation>1. Đặt thẻ CCCD gắn chip lên đầu đọc</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="93" />
        <source>The reader is below the screen. Leave the card there until we finish.</source>
        <translation>Đầu đọc ở dưới màn hình. Để thẻ yên trên đó cho đến khi xong.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="95" />
        <source>2. Show the QR code to the camera</source>
        <translation>2. Đưa mã QR trước camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="97" />
        <source>The QR code on your ID card</source>
        <translation>Mã QR trên thẻ CCCD của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="99" />
        <source>On your ID card, health insurance card or VssID app</source>
        <translation>Trên thẻ CCCD, thẻ BHYT hoặc ứng dụng VssID</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="101" />
        <source>3. Or type your 12-digit ID number</source>
        <translation>3. Hoặc nhập số CCCD 12 chữ số</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="62" />
        <source>Are you still there?</source>
        <translation>Bạn vẫn còn ở đây chứ?</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="64" />
        <source>For your privacy, we will return to the start in {s} seconds.</source>
        <translation>Để bảo vệ thông tin của bạn, máy sẽ quay về màn hình đầu sau {s} giây.</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="68" />
        <source>I need more time</source>
        <translation>Tôi cần thêm thời gian</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="70" />
        <source>I am finished</source>
        <translation>Tôi đã xong</translation>
    </message>
</context>
<context>
    <name>InsuranceScreen</name>
    <message>
        <location filename="../../ui/screens/patient.py" line="186" />
        <source>Continue: choose a clinic</source>
        <translation>Tiếp tục: chọn phòng khám</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="192" />
        <source>Insurance not checked yet</source>
        <translation>Chưa kiểm tra được thẻ BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="194" />
        <source>Your health insurance card is valid</source>
        <translation>Thẻ bảo hiểm y tế của bạn còn hiệu lực</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="196" />
        <source>You will pay as a self-paying patient</source>
        <translation>Bạn sẽ khám theo diện tự chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="198" />
        <source>Please see the reception desk about your card</source>
        <translation>Vui lòng đến quầy tiếp đón về thẻ của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="204" />
        <source>Insurance pays</source>
        <translation>BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="205" />
        <source>Card valid</source>
        <translation>Thời hạn thẻ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="206" />
        <source>Registered clinic</source>
        <translation>Nơi đăng ký KCB ban đầu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="207" />
        <source>At this hospital</source>
        <translation>Tại bệnh viện này</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="219" />
        <source>Registered here: full benefit</source>
        <translation>Đăng ký tại đây: hưởng đúng tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="222" />
        <source>Registered elsewhere: reduced or no benefit for outpatient visits</source>
        <translation>Đăng ký nơi khác: khám ngoại trú được hưởng ít hơn hoặc không được hưởng</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="226" />
        <source>You can still take a number now. Show your ticket at the reception desk.</source>
        <translation>Bạn vẫn có thể lấy số ngay bây giờ. Vui lòng đưa phiếu cho quầy tiếp đón.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="230" />
        <source>You can take a number now. Fees are paid at the cashier.</source>
        <translation>Bạn có thể lấy số ngay. Chi phí thanh toán tại quầy thu ngân.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="233" />
        <source>Next, choose the clinic you need.</source>
        <translation>Tiếp theo, hãy chọn phòng khám bạn cần.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="234" />
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="235" />
        <source>Start over</source>
        <translation>Làm lại từ đầu</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="237" />
        <source>Prices</source>
        <translation>Tra cứu giá</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="238" />
        <source>Listen again</source>
        <translation>Nghe lại</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="239" />
        <source>Volume {v} %</source>
        <translation>Âm lượng {v} %</translation>
    </message>
</context>
<context>
    <name>NumericKeypad</name>
    <message>
        <location filename="../../ui/widgets/common.py" line="95" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/common.py" line="96" />
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="79" />
        <source>Letters</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="79" />
        <source>Vietnamese vowels</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="81" />
        <source>Space</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="83" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="84" />
        <source>Clear</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PricesScreen</name>
    <message>
        <location filename="../../ui/screens/prices.py" line="253" />
        <source>Prices</source>
        <translation>Tra cứu giá</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="254" />
        <source>Close</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="255" />
        <source>Back to results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="256" />
        <source>Service or drug name, or code</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="258" />
        <source>Examination</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="259" />
        <source>Bed days</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="260" />
        <source>Imaging</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="261" />
        <source>Laboratory</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="262" />
        <source>Procedures, surgery</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="263" />
        <source>Drugs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="335" />
        <source>Type a few letters, without accents if you like, or choose a category.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="341" />
        <source>Prices are not available right now. Please ask at the counter.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="346" />
        <source>Tap a result to see the price and what you may pay.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="358" />
        <source>Nothing found. Check the spelling or choose a category.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="361" />
        <source>The first {count} results: type more letters to narrow them.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="366" />
        <source>{count} results</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="381" />
        <source>Not identified: estimates for each insurance level</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="384" />
        <source>{name}: not covered by insurance</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="388" />
        <source>{name}: insurance pays {percent} %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="389" />
        <source>Patient</source>
        <translation>Người bệnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="416" />
        <source>Code {code}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="423" />
        <source>Hospital price (without insurance)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="426" />
        <source>Insured price (recognised by BHYT)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="437" />
        <source>Estimate only: the cashier calculates the final amount from your card, the route of referral and what is actually done.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="443" />
        <source>This list gives no separate insured price: we assume it equals the hospital price.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="447" />
        <source>Insurance covers {rate} % of this drug's insured price.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="452" />
        <source>Several prices are listed for this code; ask at the counter which applies.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="459" />
        <source>Insurance pays ({percent} %)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="463" />
        <source>Not covered by insurance</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="466" />
        <location filename="../../ui/screens/prices.py" line="472" />
        <source>You pay (estimate)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="470" />
        <source>Your insurance level</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="471" />
        <source>Insurance pays</source>
        <translation>BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="476" />
        <source>Insured, {percent} %</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="481" />
        <source>Not insured</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PriorityScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="70" />
        <source>Do you have priority?</source>
        <translation>Bạn có thuộc diện ưu tiên không?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="72" />
        <source>By law these patients are served first. Staff will confirm it at the counter.</source>
        <translation>Theo luật, những người bệnh này được khám trước. Nhân viên sẽ xác nhận tại quầy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="87" />
        <source>Suggested from your date of birth</source>
        <translation>Đề xuất theo ngày sinh của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="91" />
        <source>No, I do not have priority</source>
        <translation>Không, tôi không thuộc diện ưu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="93" />
        <source>No priority: continue</source>
        <translation>Không ưu tiên: tiếp tục</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <location filename="../../ui/screens/start.py" line="93" />
        <source>Get a queue number, check your health insurance, look up prices.</source>
        <translation>Lấy số thứ tự, kiểm tra thẻ bảo hiểm y tế, tra cứu giá dịch vụ.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="98" />
        <source>Touch here to start</source>
        <translation>Chạm vào đây để bắt đầu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="101" />
        <source>You can also just place your chip ID card on the reader, or show the QR code of your ID card or health insurance card to the camera.</source>
        <translation>Bạn cũng có thể đặt thẻ CCCD gắn chip lên đầu đọc, hoặc đưa mã QR trên thẻ CCCD hay thẻ BHYT trước camera.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="105" />
        <source>Look up prices</source>
        <translation>Tra cứu giá</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="106" />
        <source>Larger text</source>
        <translation>Chữ to hơn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="107" />
        <source>High contrast</source>
        <translation>Tương phản cao</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="224" />
        <source>Done</source>
        <translation>Xong</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="239" />
        <source>You already have a number for this clinic today</source>
        <translation>Hôm nay bạn đã có số cho phòng khám này</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="241" />
        <source>Your number</source>
        <translation>Số thứ tự của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="245" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="247" />
        <source>People ahead of you: {n}</source>
        <translation>Số người trước bạn: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="249" />
        <source>About {m} minutes</source>
        <translation>Khoảng {m} phút</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="255" />
        <source>Please take your ticket from the printer below. Wait until your number is called.</source>
        <translation>Vui lòng lấy phiếu ở khe máy in bên dưới. Chờ đến khi số của bạn được gọi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="270" />
        <source>Please show this screen at the counter, or take a photo of it. Your place in the queue is kept.</source>
        <translation>Vui lòng đưa màn hình này cho quầy, hoặc chụp ảnh lại. Chỗ của bạn trong hàng vẫn được giữ.</translation>
    </message>
</context>
</TS>