echo main v1
