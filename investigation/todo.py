"""The investigation's deadlines on the to-do page (members/todo.py): registered when the app starts."""
