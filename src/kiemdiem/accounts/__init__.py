"""Tài khoản và vai trò: accounts, roles scoped by the organization tree, and the one scoping module."""
