"""Reviews and meetings.

- ``Review``: báo cáo kiểm điểm of a collective (Mẫu 01) or bản kiểm điểm of an individual (Mẫu 02/2A/2B/2C);
- ``Evidence``: sản phẩm cụ thể / minh chứng attached to a review;
- ``FeedbackRequest`` / ``FeedbackResponse``: ý kiến nhận xét from the configured sources;
- ``Meeting`` / ``MeetingItem``: hội nghị kiểm điểm, criticism per subject, the vote;
- ``PaperTally``: a tally from paper ballots, entered twice by two people;
- ``BallotBox`` / ``VoterRollEntry`` / ``Ballot`` / ``CountingKey`` / ``CountedReceipt``: the online secret
  ballot. The roll records only *that* a member has voted; a ballot is sealed under the meeting's counting
  key until the count, which keeps only the totals (docs/security.md).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models

from kiemdiem.members.models import Member
from kiemdiem.organizations.models import LeadershipCollective, Organization
from kiemdiem.plans.models import Plan, PlanSubject
from kiemdiem.rules.levels import LEVEL_CODES, LEVEL_LABEL_BY_CODE

# Mức xếp loại: the codes and labels of kiemdiem.rules.levels (one vocabulary), as Django choices.
# (django-stubs types only the class syntax of choices, not this functional form built from a list.)
Level = models.TextChoices(  # type: ignore[call-overload]
    "Level", [(code, (code, LEVEL_LABEL_BY_CODE[code])) for code in LEVEL_CODES]
)


class ReviewPlace(models.TextChoices):
    CELL = "chi_bo", "Tại chi bộ"
    COLLECTIVE = "tap_the", "Tại tập thể lãnh đạo, quản lý"


class ReviewStatus(models.TextChoices):
    DRAFT = "nhap", "Bản nháp"
    SUBMITTED = "da_nop", "Đã nộp"
    REOPENED = "mo_lai", "Mở lại để sửa"


class Review(models.Model):
    """Bản kiểm điểm / báo cáo kiểm điểm of one subject at one place."""

    subject = models.ForeignKey(PlanSubject, on_delete=models.CASCADE, related_name="reviews")
    place = models.CharField(
        "nơi kiểm điểm", max_length=10, choices=ReviewPlace.choices, default=ReviewPlace.CELL
    )
    form_code = models.CharField("mẫu", max_length=40, blank=True, default="")
    sections = models.JSONField("nội dung theo từng mục", default=dict, blank=True)
    strengths = models.TextField("ưu điểm, kết quả đạt được", blank=True, default="")
    shortcomings = models.TextField("hạn chế, khuyết điểm", blank=True, default="")
    causes = models.TextField("nguyên nhân", blank=True, default="")
    prior_results = models.TextField("kết quả khắc phục hạn chế đã chỉ ra năm trước", blank=True, default="")
    responsibility = models.TextField(
        "trách nhiệm đối với hạn chế của tập thể (nếu có)", blank=True, default=""
    )
    remedies = models.TextField("phương hướng, biện pháp khắc phục", blank=True, default="")
    evidence_text = models.TextField("sản phẩm cụ thể, kết quả thực hiện nhiệm vụ", blank=True, default="")
    score_general = models.DecimalField(
        "điểm nhóm I (tự chấm)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_tasks = models.DecimalField(
        "điểm nhóm II (tự chấm)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    grades = models.JSONField("tự đánh giá từng tiêu chí", default=dict, blank=True)
    tasks_total = models.PositiveIntegerField("tổng số nhiệm vụ, chỉ tiêu được giao", null=True, blank=True)
    tasks_done = models.PositiveIntegerField("số hoàn thành", null=True, blank=True)
    tasks_on_time = models.PositiveIntegerField("số hoàn thành đúng hạn", null=True, blank=True)
    tasks_exceeded = models.PositiveIntegerField("số vượt mức", null=True, blank=True)
    tasks_late = models.PositiveIntegerField("số chậm tiến độ", null=True, blank=True)
    self_level = models.CharField(
        "tự nhận mức xếp loại", max_length=6, choices=Level.choices, blank=True, default=""
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    submitted_at = models.DateTimeField("thời điểm nộp", null=True, blank=True)
    entered_on_behalf = models.BooleanField("bí thư nhập thay", default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    collective_review = models.ForeignKey(
        "self",
        verbose_name="báo cáo của tập thể",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="individual_reviews",
    )
    circulated_on = models.DateField("ngày gửi dự thảo đến người dự hội nghị", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "bản kiểm điểm"
        verbose_name_plural = "bản kiểm điểm"
        constraints = [
            models.UniqueConstraint(fields=["subject", "place"], name="review_subject_place_unique")
        ]

    def __str__(self) -> str:
        return f"Bản kiểm điểm — {self.subject.name}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    @property
    def score_total(self) -> Decimal | None:
        if self.score_general is None or self.score_tasks is None:
            return None
        return self.score_general + self.score_tasks


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"minh-chung/{instance.review.subject.plan_id}/{instance.review_id}/{uuid.uuid4().hex}-{filename}"


class Evidence(models.Model):
    """Minh chứng, sản phẩm cụ thể: a file with a description."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("tệp", upload_to=evidence_path)
    description = models.CharField("mô tả", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"

    def __str__(self) -> str:
        return self.description


class FeedbackSource(models.TextChoices):
    CELL_MEMBERS = "dang_vien_chi_bo", "Đảng viên trong chi bộ"
    CELL_COMMITTEE = "chi_uy", "Chi ủy"
    RESIDENCE = "noi_cu_tru", "Chi ủy, chi bộ nơi cư trú"
    MASS_ORG = "doan_the", "Tổ chức đoàn thể"
    WORKPLACE = "co_quan", "Lãnh đạo cơ quan, đơn vị nơi công tác"


GROUP_SOURCES = (FeedbackSource.CELL_MEMBERS, FeedbackSource.MASS_ORG)


class FeedbackRequest(models.Model):
    """Phiếu xin ý kiến nhận xét về một đối tượng, gửi một nguồn, có hạn trả lời."""

    subject = models.ForeignKey(PlanSubject, on_delete=models.CASCADE, related_name="feedback_requests")
    source = models.CharField("nguồn", max_length=20, choices=FeedbackSource.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name="chi bộ được hỏi",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    addressee = models.CharField("nơi nhận", max_length=200, blank=True, default="")
    due_date = models.DateField("hạn trả lời")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "yêu cầu nhận xét"
        constraints = [
            models.UniqueConstraint(fields=["subject", "source"], name="feedback_subject_source_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} — {self.subject.name}"


class FeedbackResponse(models.Model):
    """Ý kiến nhận xét: recorded with its source and date; group sources may answer anonymously."""

    request = models.ForeignKey(FeedbackRequest, on_delete=models.CASCADE, related_name="responses")
    text = models.TextField("nội dung nhận xét")
    proposed_level = models.CharField(
        "đề xuất mức", max_length=6, choices=Level.choices, blank=True, default=""
    )
    anonymous = models.BooleanField("ẩn danh", default=False)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_on = models.DateField("ngày nhận xét")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ý kiến nhận xét"
        verbose_name_plural = "ý kiến nhận xét"

    def __str__(self) -> str:
        return f"{self.request} ({self.responded_on:%d/%m/%Y})"


class MeetingStatus(models.TextChoices):
    OPEN = "dang_hop", "Đang họp"
    CLOSED = "da_ket_thuc", "Đã kết thúc"


class Meeting(models.Model):
    """Hội nghị kiểm điểm của chi bộ, Đảng ủy hoặc tập thể lãnh đạo."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    collective = models.ForeignKey(
        LeadershipCollective, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("ngày họp")
    place = models.CharField("địa điểm", max_length=200, blank=True, default="")
    chair = models.ForeignKey(
        Member, verbose_name="chủ trì", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    secretary = models.ForeignKey(
        Member, verbose_name="thư ký", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField("tổng số đảng viên được triệu tập", default=0)
    present = models.PositiveIntegerField("có mặt", default=0)
    excused = models.PositiveIntegerField("vắng có lý do", default=0)
    attendees = models.ManyToManyField(Member, verbose_name="đảng viên có mặt", blank=True, related_name="+")
    draft_sent_on = models.DateField("ngày gửi dự thảo báo cáo", null=True, blank=True)
    minutes = models.TextField("diễn biến hội nghị", blank=True, default="")
    status = models.CharField(max_length=15, choices=MeetingStatus.choices, default=MeetingStatus.OPEN)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "hội nghị kiểm điểm"
        verbose_name_plural = "hội nghị kiểm điểm"
        ordering = ["-date"]

    def __str__(self) -> str:
        where = self.collective or self.organization
        return f"Hội nghị kiểm điểm {where} ngày {self.date:%d/%m/%Y}"


class VoteMode(models.TextChoices):
    PAPER = "phieu_giay", "Kiểm phiếu giấy"
    ONLINE = "bo_phieu_kin", "Bỏ phiếu kín trực tuyến"


class MeetingItem(models.Model):
    """One subject reviewed at a meeting: self-review presented, criticism, response, vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    subject = models.ForeignKey(PlanSubject, on_delete=models.PROTECT, related_name="meeting_items")
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    review_presented = models.BooleanField("đã trình bày bản kiểm điểm", default=False)
    criticism = models.JSONField("ý kiến góp ý, phê bình", default=list, blank=True)
    response = models.TextField("ý kiến tiếp thu, giải trình", blank=True, default="")
    vote_mode = models.CharField(
        "hình thức biểu quyết", max_length=15, choices=VoteMode.choices, blank=True, default=""
    )
    result = models.JSONField("kết quả biểu quyết", default=dict, blank=True)
    proposed_level = models.CharField(
        "mức đề xuất", max_length=6, choices=Level.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = "nội dung kiểm điểm tại hội nghị"
        ordering = ["meeting", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "subject"], name="meeting_item_unique")]

    def __str__(self) -> str:
        return f"{self.subject.name} — {self.meeting}"


class PaperTally(models.Model):
    """Kết quả kiểm phiếu giấy, nhập hai lần bởi hai người; chỉ được chấp nhận khi hai lần khớp nhau."""

    item = models.ForeignKey(MeetingItem, on_delete=models.CASCADE, related_name="tallies")
    entry_no = models.PositiveSmallIntegerField("lần nhập")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    counts = models.JSONField("số phiếu theo mức")
    invalid = models.PositiveIntegerField("phiếu không hợp lệ", default=0)
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "kết quả kiểm phiếu"
        constraints = [models.UniqueConstraint(fields=["item", "entry_no"], name="tally_entry_unique")]

    def __str__(self) -> str:
        return f"Lần nhập {self.entry_no} — {self.item}"


class BallotBox(models.Model):
    """Hòm phiếu trực tuyến cho một đối tượng: voter roll frozen at opening, results only after closing."""

    item = models.OneToOneField(MeetingItem, on_delete=models.CASCADE, related_name="ballot_box")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Set by reviews.ballots.open_ballot on the box it returns, shown once and never stored (not a field).
    counting_code: str | None

    class Meta:
        verbose_name = "hòm phiếu"

    def __str__(self) -> str:
        return f"Hòm phiếu — {self.item}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class VoterRollEntry(models.Model):
    """Danh sách cử tri: whether a member has voted — never what."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="roll")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")
    has_voted = models.BooleanField(default=False)

    class Meta:
        verbose_name = "cử tri"
        constraints = [models.UniqueConstraint(fields=["box", "member"], name="voter_roll_unique")]

    def __str__(self) -> str:
        return f"{self.member} — {self.box}"


class CountingKey(models.Model):
    """Khóa kiểm phiếu of a meeting: exists only while one of its ballot boxes is open.

    The private key is stored encrypted under the counting code, which is shown once to the person who
    opened the first box and never stored (lib/sealed_ballots.py, docs/security.md).
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="counting_key")
    public_key = models.BinaryField()
    salt = models.BinaryField()
    locked_private_key = models.BinaryField()

    class Meta:
        verbose_name = "khóa kiểm phiếu"

    def __str__(self) -> str:
        return f"Khóa kiểm phiếu — {self.meeting}"


class Ballot(models.Model):
    """Phiếu bầu, sealed until the count: no voter, no time, no level in the clear.

    ``sealed`` is the level and the receipt's digest encrypted under the meeting's counting key (every
    ballot the same length); ``receipt_hash`` lets a voter see that the ballot is in the box. The rows
    are deleted at the count, which keeps only the totals and the counted receipts.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="ballots")
    sealed = models.BinaryField()
    receipt_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "phiếu bầu"

    def __str__(self) -> str:
        return f"Phiếu {self.pk}"


class CountedReceipt(models.Model):
    """Mã biên nhận của một phiếu đã được tính: written at the count, in the order of the hashes."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="counted_receipts")
    receipt_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "phiếu đã được tính"
        constraints = [models.UniqueConstraint(fields=["box", "receipt_hash"], name="counted_receipt_unique")]

    def __str__(self) -> str:
        return f"Phiếu đã được tính — {self.box}"
