from convene.cli import main

main()
