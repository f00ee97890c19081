"""The signed-in user's devices (/tai-khoan/thiet-bi/), the commune police's view of
their area's users' devices and lockouts, and the login form that says when a locked-out
sign-in may try again."""
