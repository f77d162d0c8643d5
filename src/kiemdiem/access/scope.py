"""The one place where what a user may see and do is decided.

Every list, detail page, export and API endpoint asks the request's ``Scope`` for its querysets
(``scope.members()``, ``scope.organizations()``) and permissions; no view filters by role itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q, QuerySet

from kiemdiem.accounts.models import Role, RoleAssignment, User
from kiemdiem.members.models import Member, MemberQuerySet, Position
from kiemdiem.organizations.models import Organization, OrganizationQuerySet
from kiemdiem.plans.models import Plan, PlanStatus, PlanSubject
from kiemdiem.reviews.models import FeedbackRequest, FeedbackSource

_NOTHING = Q(pk__in=[])


@dataclass
class Scope:
    user: User | None
    assignments: list[RoleAssignment] = field(default_factory=list)

    @classmethod
    def for_user(cls, user: object) -> Scope:
        if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
            return cls(None, [])
        assert isinstance(user, User)
        assignments = list(user.roles.select_related("organization"))
        if user.member_id and not User.member.is_cached(user):
            # The member and the cell in one query: plans(), organization_q and most pages read both.
            user.member = Member.objects.select_related("cell").get(pk=user.member_id)
        return cls(user, assignments)

    # --- roles ---------------------------------------------------------------------------
    @cached_property
    def roles(self) -> set[str]:
        roles = {a.role for a in self.assignments}
        if self.user is not None and self.user.member_id:
            roles.add(Role.MEMBER)
        return roles

    def orgs_for(self, *roles: str) -> list[Organization]:
        return [a.organization for a in self.assignments if a.role in roles and a.organization is not None]

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    # --- what can be seen ------------------------------------------------------------------
    def _subtree_q(self, prefix: str, roles: tuple[str, ...]) -> Q:
        q = _NOTHING
        for org in self.orgs_for(*roles):
            q |= Q(**{f"{prefix}path__startswith": org.path})
        return q

    def _member_q(self, residence: bool = True) -> Q:
        q = self._subtree_q("cell__", (Role.OFFICE, Role.STANDING, Role.HIGHER))
        for cell in self.orgs_for(Role.CELL_SECRETARY):
            q |= Q(cell=cell)
        if residence:
            for cell in self.orgs_for(Role.RESIDENCE_SECRETARY):
                q |= Q(residence_cell=cell) & ~Q(cell=cell)
        if self.user is not None and self.user.member_id:
            q |= Q(pk=self.user.member_id)
        return q

    @cached_property
    def member_q(self) -> Q:
        return self._member_q()

    def members(self) -> MemberQuerySet:
        if self.user is None:
            return Member.objects.none()
        return Member.objects.filter(self.member_q)

    @cached_property
    def organization_q(self) -> Q:
        q = self._subtree_q("", (Role.OFFICE, Role.STANDING, Role.HIGHER))
        cells = self.orgs_for(Role.CELL_SECRETARY, Role.RESIDENCE_SECRETARY)
        if cells:
            q |= Q(pk__in=[c.pk for c in cells])
        member = self.user.member if self.user is not None else None
        if member is not None:  # no query without a member_id: the scope loaded the member with the cell
            q |= Q(pk=member.cell_id)
        return q

    @property
    def sees_organizations(self) -> bool:
        """``organizations().exists()`` without the query: a member sees his/her own cell, and every
        organization a role is attached to is in that role's subtree or cell list."""
        if self.user is None:
            return False
        if self.user.member_id:
            return True
        return bool(
            self.orgs_for(
                Role.OFFICE, Role.STANDING, Role.HIGHER, Role.CELL_SECRETARY, Role.RESIDENCE_SECRETARY
            )
        )

    def organizations(self) -> OrganizationQuerySet:
        if self.user is None:
            return Organization.objects.none()
        return Organization.objects.filter(self.organization_q)

    def plans(self) -> QuerySet[Plan]:
        """Plans this user may read: the office, standing committee and higher level see every plan of
        their subtree (drafts too); cell secretaries and members see the published plans of the
        committees above their cell."""
        if self.user is None:
            return Plan.objects.none()
        q = self._subtree_q("organization__", (Role.OFFICE, Role.STANDING, Role.HIGHER))
        paths = [c.path for c in self.orgs_for(Role.CELL_SECRETARY, Role.RESIDENCE_SECRETARY)]
        if self.user.member is not None:
            paths.append(self.user.member.cell.path)
        ancestor_ids = {int(x) for path in paths for x in path.strip("/").split("/") if x}
        if ancestor_ids:
            q |= Q(organization_id__in=ancestor_ids, status=PlanStatus.PUBLISHED)
        return Plan.objects.filter(q).select_related("organization")

    # --- the annual cycle -----------------------------------------------------------------
    def plan_subjects(self) -> QuerySet[PlanSubject]:
        """Subjects of readable plans: organizations and collectives to every reader of the plan;
        individuals only within the member scope (a secretary: own cell; a member: self)."""
        if self.user is None:
            return PlanSubject.objects.none()
        # The residence-place secretary is left out here on purpose: he/she answers the residence
        # request about a resident (feedback_requests) but does not read that member's review.
        review_members = Member.objects.filter(self._member_q(residence=False))
        # Organizations and collectives: those in the organization scope (the office: all; a cell: its
        # own), and the collectives the member him/herself belongs to (a leader's second place).
        units = Q(organization__in=self.organizations()) | Q(
            collective__organization__in=self.organizations()
        )
        if self.user.member_id:
            own = Position.objects.filter(member_id=self.user.member_id, collective__isnull=False)
            units |= Q(collective_id__in=own.values("collective_id"))
        q = (Q(member__isnull=True) & units) | Q(member__in=review_members)
        return PlanSubject.objects.filter(q, plan__in=self.plans())

    def can_edit_review(self, subject: PlanSubject) -> bool:
        """Write a review: the subject him/herself; the cell secretary (own cell's report, or on behalf of
        a member); the committee office (collectives of the committee and anyone in its subtree)."""
        if self.user is None or not subject.plan.is_published:
            return False
        if subject.member_id and subject.member_id == self.user.member_id:
            return True
        if subject.cell_id and any(subject.cell_id == c.pk for c in self.orgs_for(Role.CELL_SECRETARY)):
            return True
        return self.can_manage_plan(subject.plan)

    def can_run_meeting(self, plan: Plan, organization: Organization | None = None) -> bool:
        """Hold a cell's meeting: its secretary or the office; a committee/collective meeting: the office."""
        if organization is not None and any(
            organization.pk == c.pk for c in self.orgs_for(Role.CELL_SECRETARY)
        ):
            return plan.is_published
        return self.can_manage_plan(plan)

    def feedback_requests(self) -> QuerySet[FeedbackRequest]:
        """Requests this user may answer: the residence secretary only the residence requests addressed to
        his/her cell; a cell secretary those of the own cell's members; the office all of its plans."""
        if self.user is None:
            return FeedbackRequest.objects.none()
        q = self._subtree_q("subject__plan__organization__", (Role.OFFICE,))
        for cell in self.orgs_for(Role.RESIDENCE_SECRETARY):
            q |= Q(source=FeedbackSource.RESIDENCE, organization=cell)
        for cell in self.orgs_for(Role.CELL_SECRETARY):
            q |= Q(subject__cell=cell) & ~Q(source=FeedbackSource.RESIDENCE)
        return FeedbackRequest.objects.filter(q, subject__plan__status=PlanStatus.PUBLISHED)

    def can_decide(self, plan: Plan) -> bool:
        """Decide levels: the standing committee of the plan's committee (Ban Thường vụ quyết định)."""
        return any(plan.organization.path.startswith(o.path) for o in self.orgs_for(Role.STANDING))

    def can_appraise(self, plan: Plan) -> bool:
        return self.can_manage_plan(plan) or self.can_decide(plan)

    def can_watch_progress(self, plan: Plan) -> bool:
        """See the whole plan's progress and results: office, standing committee, higher level."""
        if self.can_appraise(plan):
            return True
        return any(plan.organization.path.startswith(o.path) for o in self.orgs_for(Role.HIGHER))

    def can_edit_remediation(self, subject: PlanSubject) -> bool:
        """Write a remediation plan: the office, or the secretary of the subject's cell (published plan)."""
        if self.can_manage_plan(subject.plan):
            return True
        cell_id = subject.organization_id if subject.kind == "cell" else subject.cell_id
        return subject.plan.is_published and any(cell_id == c.pk for c in self.orgs_for(Role.CELL_SECRETARY))

    def remediation_subjects(self, plan: Plan) -> QuerySet[PlanSubject]:
        """Subjects whose remediation plan the user may read: the whole plan for office, standing
        committee and higher level; a cell secretary the own cell and its members; a member him/herself."""
        qs = self.plan_subjects().filter(plan=plan, reviewed=True)
        if self.can_watch_progress(plan):
            return qs
        cells = [c.pk for c in self.orgs_for(Role.CELL_SECRETARY)]
        q = Q(cell_id__in=cells) | Q(kind="cell", organization_id__in=cells)
        if self.user is not None and self.user.member_id:
            q |= Q(member_id=self.user.member_id)
        return qs.filter(q)

    def can_manage_plan(self, plan: Plan) -> bool:
        return any(plan.organization.path.startswith(o.path) for o in self.orgs_for(Role.OFFICE))

    def secretary_cells(self) -> list[Organization]:
        return self.orgs_for(Role.CELL_SECRETARY)

    # --- what can be done ------------------------------------------------------------------
    def manageable_organizations(self) -> OrganizationQuerySet:
        """Organizations whose registry this user may change (the committee office's subtree)."""
        q = self._subtree_q("", (Role.OFFICE,))
        return Organization.objects.filter(q) if self.user else Organization.objects.none()

    @property
    def can_manage_registry(self) -> bool:
        return self.has_role(Role.OFFICE)

    def can_manage_member(self, member: Member) -> bool:
        return any(member.cell.path.startswith(o.path) for o in self.orgs_for(Role.OFFICE))

    def can_manage_organization(self, org: Organization) -> bool:
        return not org.is_read_only and any(org.path.startswith(o.path) for o in self.orgs_for(Role.OFFICE))

    def can_see_sensitive(self, member: Member) -> bool:
        """Citizen ID, health reasons and birth date: office, standing committee, own cell's secretary, self."""
        if self.user is None:
            return False
        if self.user.member_id == member.pk:
            return True
        if any(member.cell.path.startswith(o.path) for o in self.orgs_for(Role.OFFICE, Role.STANDING)):
            return True
        return any(member.cell_id == c.pk for c in self.orgs_for(Role.CELL_SECRETARY))

    @property
    def home_organization(self) -> Organization | None:
        for role in (Role.OFFICE, Role.STANDING, Role.HIGHER, Role.CELL_SECRETARY, Role.RESIDENCE_SECRETARY):
            orgs = self.orgs_for(role)
            if orgs:
                return orgs[0]
        if self.user is not None and self.user.member is not None:
            return self.user.member.cell
        return None
