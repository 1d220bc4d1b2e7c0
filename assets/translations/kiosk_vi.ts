<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>AdminScreen</name>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="147" />
        <source>Admin mode</source>
        <translation>Chế độ quản trị</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="149" />
        <source>Device status</source>
        <translation>Trạng thái thiết bị</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="150" />
        <source>Test print</source>
        <translation>In thử</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="151" />
        <source>Test card read</source>
        <translation>Đọc thử thẻ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="152" />
        <source>Catalog import</source>
        <translation>Nhập danh mục giá</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="153" />
        <source>Recent log</source>
        <translation>Nhật ký gần đây</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="157" />
        <source>Restart kiosk</source>
        <translation>Khởi động lại kiosk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="158" />
        <source>Leave kiosk mode</source>
        <translation>Thoát chế độ kiosk</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="159" />
        <source>Close admin mode</source>
        <translation>Đóng chế độ quản trị</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="233" />
        <source>Tap again to restart</source>
        <translation>Chạm lần nữa để khởi động lại</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/screen.py" line="238" />
        <source>Tap again to leave</source>
        <translation>Chạm lần nữa để thoát</translation>
    </message>
</context>
<context>
    <name>AppointmentScreen</name>
    <message>
        <location filename="../../ui/screens/appointment.py" line="40" />
        <source>Your appointment today</source>
        <translation>Lịch hẹn khám hôm nay</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="41" />
        <source>Yes, confirm</source>
        <translation>Đúng, xác nhận</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="42" />
        <source>Another clinic</source>
        <translation>Chọn phòng khác</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="43" />
        <source>Time</source>
        <translation>Giờ hẹn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="44" />
        <source>Clinic</source>
        <translation>Phòng khám</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="45" />
        <source>Your turn</source>
        <translation>Thứ tự gọi</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="59" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="62" />
        <source>Called before patients without an appointment</source>
        <translation>Được gọi trước người không có lịch hẹn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/appointment.py" line="65" />
        <source>You are early: you are called in turn with patients without an appointment</source>
        <translation>Bạn đến sớm hơn giờ hẹn: bạn được gọi theo thứ tự cùng người không có lịch hẹn</translation>
    </message>
</context>
<context>
    <name>BusyScreen</name>
    <message>
        <location filename="../../ui/screens/identify.py" line="142" />
        <source>Reading your card…</source>
        <translation>Đang đọc thẻ…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="143" />
        <source>Please keep the card on the reader.</source>
        <translation>Vui lòng giữ thẻ trên đầu đọc.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="145" />
        <source>Checking your health insurance…</source>
        <translation>Đang kiểm tra thẻ bảo hiểm y tế…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="146" />
        <location filename="../../ui/screens/identify.py" line="149" />
        <source>This usually takes a few seconds.</source>
        <translation>Việc này thường mất vài giây.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="148" />
        <source>Looking for your appointment today…</source>
        <translation>Đang tìm lịch hẹn khám hôm nay của bạn…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="151" />
        <source>Preparing your number…</source>
        <translation>Đang lấy số thứ tự…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="152" />
        <source>Your ticket will come out below the screen.</source>
        <translation>Phiếu của bạn sẽ ra ở khe bên dưới màn hình.</translation>
    </message>
</context>
<context>
    <name>CameraView</name>
    <message>
        <location filename="../../ui/widgets/camera_view.py" line="96" />
        <source>Hold the QR code inside the frame</source>
        <translation>Đưa mã QR vào trong khung</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/camera_view.py" line="98" />
        <source>The camera is not available. Please use the card reader or type your ID number.</source>
        <translation>Camera không hoạt động. Vui lòng dùng đầu đọc thẻ hoặc nhập số căn cước.</translation>
    </message>
</context>
<context>
    <name>CardView</name>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="39" />
        <source>Test card read</source>
        <translation>Đọc thử thẻ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="43" />
        <source>Place a citizen ID card on the reader, type its 12-digit number or the 6-digit CAN, then press OK.</source>
        <translation>Đặt thẻ căn cước lên đầu đọc, nhập số định danh 12 chữ số hoặc mã CAN 6 chữ số, rồi bấm Đồng ý.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="55" />
        <location filename="../../ui/screens/admin/card.py" line="63" />
        <source>No card reader is configured.</source>
        <translation>Chưa cấu hình đầu đọc thẻ.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="66" />
        <source>Type the 12-digit ID number or the 6-digit CAN.</source>
        <translation>Nhập số định danh 12 chữ số hoặc mã CAN 6 chữ số.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="73" />
        <source>Reading the card…</source>
        <translation>Đang đọc thẻ…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="80" />
        <source>Read failed ({0}): {1}</source>
        <translation>Đọc thẻ không thành công ({0}): {1}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="87" />
        <source>Card read.</source>
        <translation>Đã đọc thẻ.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="88" />
        <source>ID: {0}</source>
        <translation>Số định danh: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="89" />
        <source>Authenticity: {0}</source>
        <translation>Mức xác thực: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="90" />
        <source>Access: {0}</source>
        <translation>Truy cập: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="91" />
        <source>Photo: {0}</source>
        <translation>Ảnh: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="91" />
        <source>yes</source>
        <translation>có</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="91" />
        <source>no</source>
        <translation>không</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/card.py" line="94" />
        <source>Read time: {0:.0f} ms</source>
        <translation>Thời gian đọc: {0:.0f} ms</translation>
    </message>
</context>
<context>
    <name>CatalogView</name>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="47" />
        <source>Catalog import</source>
        <translation>Nhập danh mục giá</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="49" />
        <source>Files found on USB sticks and mounted folders. Choose one and its kind.</source>
        <translation>Các tệp tìm thấy trên USB và thư mục đã gắn. Chọn một tệp và loại danh mục.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="51" />
        <source>Search again</source>
        <translation>Tìm lại</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="52" />
        <source>Services</source>
        <translation>Dịch vụ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="53" />
        <source>Drugs</source>
        <translation>Thuốc</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="54" />
        <source>Import</source>
        <translation>Nhập</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="63" />
        <source>Searching {0}…</source>
        <translation>Đang tìm trong {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="84" />
        <source>{0} file(s) found.</source>
        <translation>Tìm thấy {0} tệp.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="87" />
        <source>No CSV or XLSX file found. Insert a USB stick and search again.</source>
        <translation>Không tìm thấy tệp CSV hoặc XLSX. Hãy cắm USB và tìm lại.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="94" />
        <source>Choose a file first.</source>
        <translation>Hãy chọn một tệp trước.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="100" />
        <source>Importing {0}…</source>
        <translation>Đang nhập {0}…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="106" />
        <source>Import failed: {0}</source>
        <translation>Nhập không thành công: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="110" />
        <source>{0} rows: {1} imported, {2} rejected. {3}</source>
        <translation>{0} dòng: nhập {1}, từ chối {2}. {3}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="114" />
        <source>Now active.</source>
        <translation>Đã áp dụng.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="114" />
        <source>NOT activated.</source>
        <translation>CHƯA áp dụng.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="118" />
        <source>Not imported: {0}</source>
        <translation>Không nhập: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/catalog.py" line="121" />
        <source>line {0} {1}: {2}</source>
        <translation>dòng {0} {1}: {2}</translation>
    </message>
</context>
<context>
    <name>CheckRow</name>
    <message>
        <location filename="../../ui/screens/admin/common.py" line="188" />
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/common.py" line="188" />
        <source>FAIL</source>
        <translation>LỖI</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/common.py" line="203" />
        <source>Reason: {0}</source>
        <translation>Lý do: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/common.py" line="207" />
        <source>Fix: {0}</source>
        <translation>Cách khắc phục: {0}</translation>
    </message>
</context>
<context>
    <name>ClinicScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="44" />
        <source>Which clinic do you need?</source>
        <translation>Bạn cần khám ở phòng khám nào?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="47" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
</context>
<context>
    <name>ConfirmIdentityScreen</name>
    <message>
        <location filename="../../ui/screens/patient.py" line="69" />
        <source>Is this you?</source>
        <translation>Đây có phải là bạn không?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="70" />
        <source>Yes, this is me</source>
        <translation>Đúng, đây là tôi</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="71" />
        <source>No, go back</source>
        <translation>Không, quay lại</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="73" />
        <source>Name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="74" />
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="75" />
        <source>Gender</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="76" />
        <source>ID number</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="77" />
        <source>Insurance card</source>
        <translation>Thẻ BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="98" />
        <source>Is this your ID number?</source>
        <translation>Đây có phải số CCCD của bạn không?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="101" />
        <source>You typed your ID number. With the number alone the kiosk cannot check your health insurance: the reception desk will check it. To have it checked here, place your ID card on the reader or show the QR code on your card.</source>
        <translation>Bạn đã nhập số CCCD. Chỉ với số này, máy không kiểm tra được thẻ bảo hiểm y tế: quầy tiếp đón sẽ kiểm tra giúp bạn. Muốn kiểm tra ngay tại đây, hãy đặt thẻ CCCD lên đầu đọc hoặc đưa mã QR trên thẻ trước camera.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="106" />
        <location filename="../../ui/screens/patient.py" line="110" />
        <location filename="../../ui/screens/patient.py" line="113" />
        <location filename="../../ui/screens/patient.py" line="114" />
        <location filename="../../ui/screens/patient.py" line="115" />
        <source>(not given)</source>
        <translation>(chưa có)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="111" />
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="111" />
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="128" />
        <source>No photo</source>
        <translation>Không có ảnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="136" />
        <source>✔ Chip checked: issued by the Vietnamese authority</source>
        <translation>✔ Đã xác thực chip: do cơ quan có thẩm quyền Việt Nam cấp</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="140" />
        <source>Chip data intact (issuer not checked)</source>
        <translation>Dữ liệu chip toàn vẹn (chưa xác minh nơi cấp)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="143" />
        <source>Read from the chip (not checked)</source>
        <translation>Đọc từ chip (chưa xác thực)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="148" />
        <source>Typed on the keypad</source>
        <translation>Nhập bằng bàn phím</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="150" />
        <source>Read from the QR code</source>
        <translation>Đọc từ mã QR</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="126" />
        <source>Please check, then take your number</source>
        <translation>Vui lòng kiểm tra, rồi lấy số</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="127" />
        <source>Get my number</source>
        <translation>Lấy số thứ tự</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="128" />
        <source>Patient</source>
        <translation>Người bệnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="129" />
        <source>Clinic</source>
        <translation>Phòng khám</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="130" />
        <source>Priority</source>
        <translation>Ưu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="131" />
        <source>Health insurance</source>
        <translation>Bảo hiểm y tế</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="138" />
        <source>Room {room}</source>
        <translation>Phòng {room}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="144" />
        <source>(to be confirmed at the counter)</source>
        <translation>(sẽ được xác nhận tại quầy)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="147" />
        <source>None</source>
        <translation>Không</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="150" />
        <source>Not verified: the reception desk will check</source>
        <translation>Chưa xác minh: quầy tiếp đón sẽ kiểm tra</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="153" />
        <source>Insured ({percent} %)</source>
        <translation>Có BHYT ({percent} %)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="155" />
        <source>Insured</source>
        <translation>Có BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="158" />
        <source>Self-paying</source>
        <translation>Tự chi trả (dịch vụ)</translation>
    </message>
</context>
<context>
    <name>DigitPad</name>
    <message>
        <location filename="../../ui/screens/admin/common.py" line="144" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/common.py" line="145" />
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
</context>
<context>
    <name>IdentifyScreen</name>
    <message>
        <location filename="../../ui/screens/identify.py" line="84" />
        <source>We found your card. One more step to open its chip</source>
        <translation>Đã nhận thẻ. Thêm một bước để mở chip</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="85" />
        <source>Keep the card on the reader</source>
        <translation>Giữ thẻ trên đầu đọc</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="88" />
        <source>The chip is protected. Show the QR code on the card to the camera, or type the last 6 digits of your ID number.</source>
        <translation>Chip trên thẻ được bảo vệ. Vui lòng đưa mã QR trên thẻ trước camera, hoặc nhập 6 số cuối của số CCCD.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="93" />
        <source>The chip is protected. Type the last 6 digits of your ID number on the keypad.</source>
        <translation>Chip trên thẻ được bảo vệ. Vui lòng nhập 6 số cuối của số CCCD trên bàn phím số.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="97" />
        <source>How would you like to identify yourself?</source>
        <translation>Bạn muốn xác định danh tính bằng cách nào?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="98" />
        <source>1. Place your chip ID card on the reader</source>
        <translation>1. Đặt thẻ CCCD gắn chip lên đầu đọc</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="100" />
        <source>The reader is below the screen. Leave the card there until we finish.</source>
        <translation>Đầu đọc ở dưới màn hình. Để thẻ yên trên đó cho đến khi xong.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="105" />
        <source>The card reader is not working right now. Please use the QR code or the keypad.</source>
        <translation>Đầu đọc thẻ đang không hoạt động. Vui lòng dùng mã QR hoặc bàn phím số.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="109" />
        <source>2. Show the QR code to the camera</source>
        <translation>2. Đưa mã QR trước camera</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="111" />
        <source>The QR code on your ID card</source>
        <translation>Mã QR trên thẻ CCCD của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="113" />
        <source>On your ID card, health insurance card or VssID app</source>
        <translation>Trên thẻ CCCD, thẻ BHYT hoặc ứng dụng VssID</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="118" />
        <source>3. Or type the last 6 digits of your ID number</source>
        <translation>3. Hoặc nhập 6 số cuối của số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/screens/identify.py" line="120" />
        <source>3. Or type your 12-digit ID number</source>
        <translation>3. Hoặc nhập số CCCD 12 chữ số</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="78" />
        <source>Are you still there?</source>
        <translation>Bạn vẫn còn ở đây chứ?</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="80" />
        <source>For your privacy, we will return to the start in {s} seconds.</source>
        <translation>Để bảo vệ thông tin của bạn, máy sẽ quay về màn hình đầu sau {s} giây.</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="84" />
        <source>I need more time</source>
        <translation>Tôi cần thêm thời gian</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="86" />
        <source>I am finished</source>
        <translation>Tôi đã xong</translation>
    </message>
</context>
<context>
    <name>InsuranceScreen</name>
    <message>
        <location filename="../../ui/screens/patient.py" line="184" />
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
        <source>Insurance is checked at the reception desk</source>
        <translation>Thẻ bảo hiểm y tế sẽ được kiểm tra tại quầy tiếp đón</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="206" />
        <source>A typed ID number cannot be checked with the insurance fund here. You can take a number now; the reception desk will check your health insurance card.</source>
        <translation>Máy không kiểm tra được bảo hiểm y tế với số CCCD nhập tay. Bạn vẫn lấy số thứ tự được ngay; quầy tiếp đón sẽ kiểm tra thẻ bảo hiểm y tế của bạn.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="213" />
        <source>Insurance pays</source>
        <translation>BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="214" />
        <source>Card valid</source>
        <translation>Thời hạn thẻ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="215" />
        <source>Registered clinic</source>
        <translation>Nơi đăng ký KCB ban đầu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="216" />
        <source>At this hospital</source>
        <translation>Tại bệnh viện này</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="217" />
        <source>Benefit level</source>
        <translation>Mức hưởng</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="218" />
        <source>5 years in a row from</source>
        <translation>Đủ 5 năm liên tục từ</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="237" />
        <source>With your referral or re-exam slip: correct route</source>
        <translation>Có giấy chuyển tuyến hoặc phiếu hẹn khám lại: đúng tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="240" />
        <source>Registered here: correct route</source>
        <translation>Đăng ký tại đây: đúng tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="243" />
        <source>Registered elsewhere: reduced or no benefit for outpatient visits</source>
        <translation>Đăng ký nơi khác: khám ngoại trú được hưởng ít hơn hoặc không được hưởng</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="247" />
        <source>You can still take a number now. Show your ticket at the reception desk.</source>
        <translation>Bạn vẫn có thể lấy số ngay bây giờ. Vui lòng đưa phiếu cho quầy tiếp đón.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="251" />
        <source>You can take a number now. Fees are paid at the cashier.</source>
        <translation>Bạn có thể lấy số ngay. Chi phí thanh toán tại quầy thu ngân.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/patient.py" line="254" />
        <source>Next, choose the clinic you need.</source>
        <translation>Tiếp theo, hãy chọn phòng khám bạn cần.</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <location filename="../../ui/screens/admin/log.py" line="38" />
        <source>Recent log</source>
        <translation>Nhật ký gần đây</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/log.py" line="39" />
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/mainwindow.py" line="331" />
        <source>Back</source>
        <translation>Quay lại</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="332" />
        <source>Start over</source>
        <translation>Làm lại từ đầu</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="335" />
        <source>Prices</source>
        <translation>Tra cứu giá</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="336" />
        <source>Listen again</source>
        <translation>Nghe lại</translation>
    </message>
    <message>
        <location filename="../../ui/mainwindow.py" line="337" />
        <source>Volume {v} %</source>
        <translation>Âm lượng {v} %</translation>
    </message>
</context>
<context>
    <name>NumericKeypad</name>
    <message>
        <location filename="../../ui/widgets/common.py" line="101" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/common.py" line="102" />
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="90" />
        <source>Letters</source>
        <translation>Chữ cái</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="90" />
        <source>Vietnamese vowels</source>
        <translation>Nguyên âm tiếng Việt</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="92" />
        <source>Space</source>
        <translation>Dấu cách</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="94" />
        <source>Delete</source>
        <translation>Xóa</translation>
    </message>
    <message>
        <location filename="../../ui/widgets/keyboard.py" line="95" />
        <source>Clear</source>
        <translation>Xóa hết</translation>
    </message>
</context>
<context>
    <name>PinPage</name>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="67" />
        <source>Admin mode</source>
        <translation>Chế độ quản trị</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="68" />
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="85" />
        <source>Admin mode is disabled: no PIN is configured (kiosk admin hash-pin).</source>
        <translation>Chế độ quản trị đang tắt: chưa cấu hình mã PIN (kiosk admin hash-pin).</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="93" />
        <source>Too many wrong PINs. Try again in {0}:{1:02d}.</source>
        <translation>Nhập sai PIN quá nhiều lần. Thử lại sau {0}:{1:02d}.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="104" />
        <source>Wrong PIN. {0} attempt(s) left.</source>
        <translation>Sai mã PIN. Còn {0} lần thử.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="106" />
        <source>Enter the admin PIN.</source>
        <translation>Nhập mã PIN quản trị.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/pin.py" line="114" />
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
</context>
<context>
    <name>PricesScreen</name>
    <message>
        <location filename="../../ui/screens/prices.py" line="268" />
        <source>Prices</source>
        <translation>Tra cứu giá</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="269" />
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="270" />
        <source>Listen again</source>
        <translation>Nghe lại</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="271" />
        <source>Back to results</source>
        <translation>Quay lại kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="273" />
        <source>Examination</source>
        <translation>Khám bệnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="274" />
        <source>Bed days</source>
        <translation>Ngày giường</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="275" />
        <source>Imaging</source>
        <translation>Chẩn đoán hình ảnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="276" />
        <source>Laboratory</source>
        <translation>Xét nghiệm</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="277" />
        <source>Procedures, surgery</source>
        <translation>Thủ thuật, phẫu thuật</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="278" />
        <source>Drugs</source>
        <translation>Thuốc</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="375" />
        <source>Type a service or drug name or code (accents are not needed), or choose a category.</source>
        <translation>Gõ tên hoặc mã dịch vụ, thuốc (không cần gõ dấu), hoặc chọn một nhóm.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="384" />
        <source>The price list is being prepared. Please try again in a minute.</source>
        <translation>Bảng giá đang được chuẩn bị. Vui lòng thử lại sau ít phút.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="389" />
        <source>Prices are not available right now. Please ask at the counter.</source>
        <translation>Hiện chưa tra cứu được giá. Vui lòng hỏi tại quầy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="395" />
        <source>Tap a result to see the price and what you may pay.</source>
        <translation>Chạm vào một kết quả để xem giá và số tiền bạn có thể phải trả.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="408" />
        <source>Nothing found. Check the spelling or choose a category.</source>
        <translation>Không tìm thấy. Vui lòng kiểm tra chính tả hoặc chọn một nhóm.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="412" />
        <source>The first {count} results: type more letters to narrow them.</source>
        <translation>{count} kết quả đầu tiên: gõ thêm chữ để thu hẹp.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="417" />
        <source>{count} results</source>
        <translation>{count} kết quả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="432" />
        <source>Not identified: estimates for each insurance level</source>
        <translation>Chưa xác định người bệnh: ước tính theo từng mức hưởng BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="435" />
        <source>{name}: not covered by insurance</source>
        <translation>{name}: không được BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="439" />
        <source>{name}: insurance pays {percent} %</source>
        <translation>{name}: BHYT chi trả {percent} %</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="440" />
        <source>Patient</source>
        <translation>Người bệnh</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="471" />
        <source>Code {code}</source>
        <translation>Mã {code}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="479" />
        <source>Hospital price</source>
        <translation>Giá bệnh viện</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="482" />
        <source>Insured price (BHYT)</source>
        <translation>Giá BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="493" />
        <source>Estimate only: the cashier calculates the final amount from your card, the route of referral and what is actually done.</source>
        <translation>Chỉ là ước tính: số tiền cuối cùng do quầy thu ngân tính theo thẻ của bạn, tuyến khám chữa bệnh và dịch vụ thực tế.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="499" />
        <source>This list gives no separate insured price: we assume it equals the hospital price.</source>
        <translation>Bảng giá này không ghi riêng giá BHYT: tạm coi bằng giá bệnh viện.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="504" />
        <source>Insurance covers {rate} % of this drug's insured price.</source>
        <translation>BHYT thanh toán {rate} % giá BHYT của thuốc này.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="511" />
        <source>Several prices are listed for this code; ask at the counter which applies.</source>
        <translation>Mã này có nhiều mức giá; vui lòng hỏi tại quầy mức nào áp dụng.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="526" />
        <source>Insurance pays ({percent} %)</source>
        <translation>BHYT chi trả ({percent} %)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="531" />
        <source>Not covered by insurance</source>
        <translation>Không được BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="534" />
        <location filename="../../ui/screens/prices.py" line="540" />
        <source>You pay (estimate)</source>
        <translation>Bạn trả (ước tính)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="538" />
        <source>Your insurance level</source>
        <translation>Mức hưởng BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="539" />
        <source>Insurance pays</source>
        <translation>BHYT chi trả</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="544" />
        <source>Insured, {percent} %</source>
        <translation>Có BHYT, {percent} %</translation>
    </message>
    <message>
        <location filename="../../ui/screens/prices.py" line="551" />
        <source>Not insured</source>
        <translation>Không có BHYT</translation>
    </message>
</context>
<context>
    <name>PrintView</name>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="27" />
        <source>Test print</source>
        <translation>In thử</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="29" />
        <source>Prints a test ticket with Vietnamese text and a ruler across the paper width.</source>
        <translation>In một phiếu thử có chữ tiếng Việt và thước đo theo chiều rộng giấy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="31" />
        <source>Print a test ticket</source>
        <translation>In phiếu thử</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="37" />
        <source>No printer is configured.</source>
        <translation>Chưa cấu hình máy in.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="41" />
        <source>Printing…</source>
        <translation>Đang in…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="55" />
        <source>Printing failed: {0}</source>
        <translation>In không thành công: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/printing.py" line="59" />
        <source>Printed. Printer: {0}</source>
        <translation>Đã in. Máy in: {0}</translation>
    </message>
</context>
<context>
    <name>PriorityScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="72" />
        <source>Do you have priority?</source>
        <translation>Bạn có thuộc diện ưu tiên không?</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="74" />
        <source>By law these patients are served first. Staff will confirm it at the counter.</source>
        <translation>Theo luật, những người bệnh này được khám trước. Nhân viên sẽ xác nhận tại quầy.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="89" />
        <source>Suggested from your date of birth</source>
        <translation>Đề xuất theo ngày sinh của bạn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="96" />
        <source>Yes, I am 75 or older</source>
        <translation>Có, tôi từ 75 tuổi trở lên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="97" />
        <source>Yes, the child is under 6</source>
        <translation>Có, trẻ dưới 6 tuổi</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="101" />
        <source>Yes: {name}</source>
        <translation>Có: {name}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="103" />
        <source>No, I do not have priority</source>
        <translation>Không, tôi không thuộc diện ưu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="106" />
        <source>No priority: continue</source>
        <translation>Không ưu tiên: tiếp tục</translation>
    </message>
</context>
<context>
    <name>StartScreen</name>
    <message>
        <location filename="../../ui/screens/start.py" line="112" />
        <source>Get a queue number, check your health insurance, look up prices.</source>
        <translation>Lấy số thứ tự, kiểm tra thẻ bảo hiểm y tế, tra cứu giá dịch vụ.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="117" />
        <source>Touch here to start</source>
        <translation>Chạm vào đây để bắt đầu</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="120" />
        <source>You can also just place your chip ID card on the reader, or show the QR code of your ID card or health insurance card to the camera.</source>
        <translation>Bạn cũng có thể đặt thẻ CCCD gắn chip lên đầu đọc, hoặc đưa mã QR trên thẻ CCCD hay thẻ BHYT trước camera.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="124" />
        <source>Look up prices</source>
        <translation>Tra cứu giá</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="126" />
        <source>Larger text</source>
        <translation>Chữ to hơn</translation>
    </message>
    <message>
        <location filename="../../ui/screens/start.py" line="127" />
        <source>High contrast</source>
        <translation>Tương phản cao</translation>
    </message>
</context>
<context>
    <name>StatusView</name>
    <message>
        <location filename="../../ui/screens/admin/status.py" line="37" />
        <source>Device status</source>
        <translation>Trạng thái thiết bị</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/status.py" line="38" />
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/status.py" line="46" />
        <source>Checking devices…</source>
        <translation>Đang kiểm tra thiết bị…</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/status.py" line="53" />
        <source>The checks failed: {0}</source>
        <translation>Không chạy được kiểm tra: {0}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/status.py" line="68" />
        <source>{0} check(s) failed: {1}.</source>
        <translation>{0} mục kiểm tra không đạt: {1}.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/admin/status.py" line="71" />
        <source>All checks passed.</source>
        <translation>Mọi kiểm tra đều đạt.</translation>
    </message>
</context>
<context>
    <name>TicketScreen</name>
    <message>
        <location filename="../../ui/screens/visit.py" line="212" />
        <source>Done</source>
        <translation>Xong</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="213" />
        <source>Print again</source>
        <translation>In lại</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="229" />
        <source>You already have a number for this clinic today</source>
        <translation>Hôm nay bạn đã có số cho phòng khám này</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="231" />
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
        <location filename="../../ui/screens/visit.py" line="245" />
        <source>Appointment at {time}</source>
        <translation>Có lịch hẹn lúc {time}</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="252" />
        <source>(to be confirmed at the counter)</source>
        <translation>(sẽ được xác nhận tại quầy)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="254" />
        <source>Not verified: the reception desk will check</source>
        <translation>Chưa xác minh: quầy tiếp đón sẽ kiểm tra</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="256" />
        <source>Insured</source>
        <translation>Có BHYT</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="258" />
        <source>Self-paying</source>
        <translation>Tự chi trả (dịch vụ)</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="263" />
        <source>Please take your ticket from the printer below. Wait until your number is called.</source>
        <translation>Vui lòng lấy phiếu ở khe máy in bên dưới. Chờ đến khi số của bạn được gọi.</translation>
    </message>
    <message>
        <location filename="../../ui/screens/visit.py" line="274" />
        <source>Please show this screen at the counter, or take a photo of it. Your place in the queue is kept.</source>
        <translation>Vui lòng đưa màn hình này cho quầy, hoặc chụp ảnh lại. Chỗ của bạn trong hàng vẫn được giữ.</translation>
    </message>
</context>
</TS>