<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
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
        <location filename="../../ui/screens/patient.py" line="190" />
        <source>Insurance not checked yet</source>
        <translation>Chưa kiểm tra được thẻ BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="192" />
        <source>Your health insurance card is valid</source>
        <translation>Thẻ bảo hiểm y tế của bạn còn hiệu lực</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="194" />
        <source>You will pay as a self-paying patient</source>
        <translation>Bạn sẽ khám theo diện tự chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="196" />
        <source>Please see the reception desk about your card</source>
        <translation>Vui lòng đến quầy tiếp đón về thẻ của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="202" />
        <source>Insurance pays</source>
        <translation>BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="203" />
        <source>Card valid</source>
        <translation>Thời hạn thẻ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="204" />
        <source>Registered clinic</source>
        <translation>Nơi đăng ký KCB ban đầu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="205" />
        <source>At this hospital</source>
        <translation>Tại bệnh viện này</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="217" />
        <source>Registered here: full benefit</source>
        <translation>Đăng ký tại đây: hưởng đúng tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="220" />
        <source>Registered elsewhere: reduced or no benefit for outpatient visits</source>
        <translation>Đăng ký nơi khác: khám ngoại trú được hưởng ít hơn hoặc không được hưởng</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="224" />
        <source>You can still take a number now. Show your ticket at the reception desk.</source>
        <translation>Bạn vẫn có thể lấy số ngay bây giờ. Vui lòng đưa phiếu cho quầy tiếp đón.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="228" />
        <source>You can take a number now. Fees are paid at the cashier.</source>
        <translation>Bạn có thể lấy số ngay. Chi phí thanh toán tại quầy thu ngân.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="231" />
        <source>Next, choose the clinic you need.</source>
        <translation>Tiếp theo, hãy chọn phòng khám bạn cần.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="221" />
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="222" />
        <source>Start over</source>
        <translation>Làm lại từ đầu</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="224" />
        <source>Prices</source>
        <translation>Tra cứu giá</translation>
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
        <location filename="../../ui/screens/visit.py" line="230" />
        <source>You already have a number for this clinic today</source>
        <translation>Hôm nay bạn đã có số cho phòng khám này</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="232" />
        <source>Your number</source>
        <translation>Số thứ tự của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="236" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="238" />
        <source>People ahead of you: {n}</source>
        <translation>Số người trước bạn: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="240" />
        <source>About {m} minutes</source>
        <translation>Khoảng {m} phút</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="246" />
        <source>Please take your ticket from the printer below. Wait until your number is called.</source>
        <translation>Vui lòng lấy phiếu ở khe máy in bên dưới. Chờ đến khi số của bạn được gọi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="261" />
        <source>Please show this screen at the counter, or take a photo of it. Your place in the queue is kept.</source>
        <translation>Vui lòng đưa màn hình này cho quầy, hoặc chụp ảnh lại. Chỗ của bạn trong hàng vẫn được giữ.</translation>
    </message>
</context>
</TS>